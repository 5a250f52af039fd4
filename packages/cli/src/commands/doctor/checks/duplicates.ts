import { result, type Check } from '../check.js';
import { hostKey, lines } from './shared.js';

/** A machine listed twice: readers use the first entry, the later ones are dead. */
export const duplicates: Check = {
  id: 'duplicate-machines',
  title: 'duplicate machines',
  run(facts) {
    const netrc = facts.netrc.parsed;
    if (!netrc) return result(this, 'skip', 'No parsed netrc file.');
    const first = new Map<string, (typeof netrc.entries)[number]>();
    const details: string[] = [];
    const fixes: string[] = [];
    for (const e of netrc.entries) {
      if (e.kind !== 'machine') continue;
      const k = hostKey(e.machine!);
      const winner = first.get(k);
      if (!winner) {
        first.set(k, e);
        continue;
      }
      details.push(`machine ${e.machine} at ${lines(e)} is never read: the entry at ${lines(winner)} comes first and wins.`);
      fixes.push(`delete ${lines(e)}${winner.password && e.password ? ' (or move its key into the first entry, if it is the right one)' : ''}`);
    }
    if (details.length === 0) return result(this, 'pass', 'No machine is listed twice.');
    const serverHost = facts.server ? hostKey(facts.server.hostname) : undefined;
    const forServer = serverHost !== undefined && netrc.entries.filter((e) => e.kind === 'machine' && hostKey(e.machine!) === serverHost).length > 1;
    return result(this, 'warn', details.join('\n') + (forServer ? `\nOne of them is for ${facts.server!.hostname}: check that the first one holds the key you mean.` : ''), `Edit ${facts.netrc.location.path}: ${fixes.join('; ')}.`);
  },
};
