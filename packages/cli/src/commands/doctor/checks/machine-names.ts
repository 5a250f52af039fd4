import { result, type Repair } from '../check.js';
import { parsedNetrcCheck } from './netrc-check.js';
import { hostKey, lines, malformedMachines } from './shared.js';

/**
 * `machine https://host`, `machine host:8080`, `machine host/labkey`: a common mistake that never
 * matches (readers compare the bare hostname). The repair rewrites the name to the bare hostname,
 * only where no entry for that hostname exists yet (else the rewrite would change which key wins).
 */
export const machineNames = parsedNetrcCheck({
  id: 'machine-names',
  title: 'machine names',
  run(netrc, facts) {
    const bad = malformedMachines(netrc);
    if (bad.length === 0) return result(this, 'pass', 'Every machine is a bare hostname.');
    const bareHosts = new Set(netrc.entries.filter((e) => e.kind === 'machine').map((e) => hostKey(e.machine!)));
    const repairs: Repair[] = [];
    const planned = new Set<string>();
    const details: string[] = [];
    const fixes: string[] = [];
    for (const m of bad) {
      const target = hostKey(m.bare);
      const fixable = !m.problems.includes('a comma') && m.bare !== '' && !bareHosts.has(target) && !planned.has(target);
      details.push(`${lines(m.entry)}: \`machine ${m.entry.machineRaw}\` holds ${m.problems.join(' and ')}; it never matches any server.`);
      if (fixable) {
        planned.add(target);
        const index = m.entry.index;
        const raw = m.entry.machineRaw;
        repairs.push({
          id: 'rewrite-machine',
          kind: 'text',
          order: 1,
          description: `rewrote \`machine ${raw}\` (${lines(m.entry)}) to \`machine ${m.bare}\``,
          edit(text, sdk) {
            const e = sdk.parseNetrc(text).entries[index];
            if (!e || e.kind !== 'machine' || e.machineRaw !== raw) return text;
            return sdk.renameNetrcMachineText(text, index, m.bare);
          },
        });
        fixes.push(`change line ${m.entry.line} to \`machine ${m.bare}\``);
      } else if (bareHosts.has(target) || planned.has(target)) {
        fixes.push(`delete ${lines(m.entry)} (an entry for ${m.bare} already exists)`);
      } else {
        fixes.push(`fix the machine name at line ${m.entry.line}`);
      }
    }
    const forServer = facts.server && bad.some((m) => hostKey(m.bare) === hostKey(facts.server!.hostname));
    const fix = fixes.join('; ') + (repairs.length ? ' (`lk doctor --fix` rewrites the names it can)' : '');
    return result(this, forServer ? 'fail' : 'warn', details.join('\n'), fix, { repairs });
  },
});
