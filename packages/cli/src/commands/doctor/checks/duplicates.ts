import type { NetrcEntry } from '@lk/sdk';
import { result, type Check } from '../check.js';
import { parsedNetrcCheck } from './netrc-check.js';
import { hostKey, lines } from './shared.js';

/**
 * A machine listed twice: lk, curl, R and Java use the first entry, Python the last. For the
 * server's own host the readers check removes later duplicates when the server accepts the first
 * key; otherwise this check asks the server which key works, so the fix can say "keep line 7,
 * delete lines 3-5". Other hosts' duplicates are left to the user.
 */
export const duplicates = parsedNetrcCheck({
  id: 'duplicate-machines',
  title: 'duplicate machines',
  async run(netrc, facts) {
    const groups = new Map<string, NetrcEntry[]>();
    for (const e of netrc.entries) {
      if (e.kind !== 'machine') continue;
      const k = hostKey(e.machine!);
      groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    const details: string[] = [];
    const fixes: string[] = [];
    for (const [host, entries] of groups) {
      if (entries.length < 2) continue;
      const [winner, ...dead] = entries as [NetrcEntry, ...NetrcEntry[]];
      for (const [i, e] of dead.entries()) {
        details.push(
          i === dead.length - 1
            ? `machine ${e.machine} at ${lines(e)} is read by Python only (the last entry wins there); lk, curl, R and the Java client read the entry at ${lines(winner)}.`
            : `machine ${e.machine} at ${lines(e)} is never read: the entry at ${lines(winner)} comes first (Python reads the last).`,
        );
      }
      const working = facts.server && hostKey(facts.server.hostname) === host ? await workingDeadEntry(facts, winner, dead) : undefined;
      if (working) {
        details.push(`The server rejects the key at ${lines(winner)} but accepts the one at ${lines(working.entry)} (it belongs to ${working.email}).`);
        fixes.push(`delete ${lines(winner)} so that the entry at ${lines(working.entry)} is used`);
      } else {
        fixes.push(`delete ${dead.map((e) => lines(e)).join(', ')}`);
      }
    }
    if (details.length === 0) return result(this, 'pass', 'No machine is listed twice.');
    return result(this, 'warn', details.join('\n'), `Edit ${facts.netrc.location.path}: ${fixes.join('; ')}.`);
  },
});

async function workingDeadEntry(facts: Parameters<Check['run']>[0], winner: NetrcEntry, dead: NetrcEntry[]): Promise<{ entry: NetrcEntry; email: string } | undefined> {
  if (!winner.password || winner.login !== 'apikey') return undefined;
  if ((await facts.verify(winner.password)).kind !== 'rejected') return undefined;
  for (const e of dead) {
    if (!e.password || e.login !== 'apikey') continue;
    const v = await facts.verify(e.password);
    if (v.kind === 'accepted') return { entry: e, email: v.email };
  }
  return undefined;
}
