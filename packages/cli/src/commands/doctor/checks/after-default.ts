import { result, type Repair } from '../check.js';
import { parsedNetrcCheck } from './netrc-check.js';
import { defaultEntry, entriesAfterDefault, hostKey, lines } from './shared.js';

/**
 * Entries after `default` are dead for curl (and Rlabkey, which reads netrc through libcurl):
 * `default` matches every host, so the reader stops there. The repair moves them above `default`,
 * except an entry for a host that already has one before it (moving it would not make it live).
 */
export const afterDefault = parsedNetrcCheck({
  id: 'entries-after-default',
  title: 'entries after default',
  run(netrc, facts) {
    const dflt = defaultEntry(netrc);
    const after = entriesAfterDefault(netrc);
    if (!dflt || after.length === 0) return result(this, 'pass', dflt ? '`default` is the last entry.' : 'No `default` entry.');
    const before = new Set(netrc.entries.filter((e) => e.kind === 'machine' && e.index < dflt.index).map((e) => hostKey(e.machine!)));
    const movable = after.filter((e, i) => !before.has(hostKey(e.machine!)) && after.findIndex((o) => hostKey(o.machine!) === hostKey(e.machine!)) === i);
    const details = after.map((e) => `machine ${e.machine} at ${lines(e)} comes after \`default\` (${lines(dflt)}): curl and Rlabkey never read it.`);
    const repairs: Repair[] = [];
    if (movable.length > 0) {
      const wanted = movable.map((e) => e.machineRaw!);
      repairs.push({
        id: 'move-before-default',
        kind: 'text',
        order: 2,
        description: `moved ${movable.map((e) => `machine ${e.machine} (${lines(e)})`).join(', ')} before \`default\``,
        edit(text, sdk) {
          // One at a time, in file order: each lands just before `default`, after the ones moved before it.
          let out = text;
          for (const raw of wanted) {
            const cur = sdk.parseNetrc(out).entries;
            const d = cur.find((e) => e.kind === 'default');
            const e = d && cur.find((x) => x.kind === 'machine' && x.index > d.index && x.machineRaw === raw);
            if (e) out = sdk.moveNetrcEntryBeforeDefaultText(out, e.index);
          }
          return out;
        },
      });
    }
    const forServer = facts.server && after.some((e) => hostKey(e.machine!) === hostKey(facts.server!.hostname));
    return result(
      this,
      'warn',
      details.join('\n') + (forServer ? `\nlk reads it, but other tools send the \`default\` entry's login to ${facts.server!.hostname} instead.` : ''),
      movable.length > 0 ? 'Move those entries above `default` (`lk doctor --fix` does this).' : 'Delete those entries: an entry for the same host comes first.',
      { repairs },
    );
  },
});
