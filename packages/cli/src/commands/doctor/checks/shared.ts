/** Small helpers the checks share: where things are in the netrc file, and how to name them. */
import type { Netrc, NetrcEntry } from '@lk/sdk';
import { machineShape } from '../machine-shape.js';

export function hostKey(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

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
    const shape = machineShape(e.machine!);
    if (shape) out.push({ entry: e, ...shape });
  }
  return out;
}

/** A login worth printing: an e-mail or user name, never something that looks like a key. */
export function printableLogin(login: string): string {
  if (login.length > 80 || /\|/.test(login) || /^[0-9a-f]{24,}$/i.test(login)) return '(a value that looks like a key)';
  return `\`${login}\``;
}

export function describeSourceId(source: string): string {
  if (source.startsWith('env:')) return `the environment variable ${source.slice(4)}`;
  if (source.startsWith('keychain:')) return `the keychain item ${source.slice('keychain:'.length)}`;
  if (source.startsWith('netrc:')) {
    const m = /^netrc:(.*):(\d+)$/.exec(source);
    return m ? `${m[1]} line ${m[2]}` : source.slice(6);
  }
  return source;
}
