/** Small helpers the checks share: where things are in the netrc file, and how to name them. */
import { looksLikeKey, netrcHostKey, netrcMachineShape, type Netrc, type NetrcEntry } from '@lk/sdk';

/** How netrc readers compare host names (the SDK's rule). */
export const hostKey = netrcHostKey;

/** `line 3` or `lines 3-5`. */
export function lines(e: Pick<NetrcEntry, 'line' | 'endLine'>): string {
  return e.endLine > e.line ? `lines ${e.line}-${e.endLine}` : `line ${e.line}`;
}

/** The first `default` entry, if any. */
export function defaultEntry(netrc: Netrc): NetrcEntry | undefined {
  return netrc.entries.find((e) => e.kind === 'default');
}

/** Machine entries that come after the first `default`. */
export function entriesAfterDefault(netrc: Netrc): NetrcEntry[] {
  const d = defaultEntry(netrc);
  if (!d) return [];
  return netrc.entries.filter((e) => e.kind === 'machine' && e.index > d.index);
}

/** The machine entry for the server's hostname that readers use (the first one), if any. */
export function liveMachineEntry(netrc: Netrc, hostname: string): NetrcEntry | undefined {
  const want = hostKey(hostname);
  return netrc.entries.find((e) => e.kind === 'machine' && hostKey(e.machine!) === want);
}

/** Machine entries whose name holds a scheme, port, path or user (they never match), with the bare host. */
export function malformedMachines(netrc: Netrc): { entry: NetrcEntry; bare: string; problems: string[] }[] {
  const out: { entry: NetrcEntry; bare: string; problems: string[] }[] = [];
  for (const e of netrc.entries) {
    if (e.kind !== 'machine') continue;
    const shape = netrcMachineShape(e.machine!);
    if (shape) out.push({ entry: e, ...shape });
  }
  return out;
}

/** A login worth printing: an e-mail or user name, never something that looks like a key. */
export function printableLogin(login: string): string {
  if (looksLikeKey(login)) return '(a value that looks like a key)';
  return `\`${login}\``;
}
