import { fingerprintKey } from '../redact/fingerprint.js';
import { debugTo } from '../debug.js';
import { readNetrc } from './netrc/locate-netrc.js';
import { netrcHostKey, netrcHostname, type Netrc } from './netrc/parse-netrc.js';
import { netrcMachineShape } from './netrc/machine-shape.js';
import { normalizeApiKey } from './normalize-key.js';
import type { CredentialSource, ResolveContext, SourceResult } from './types.js';

/** The netrc login that marks an API key entry (`machine <host> login apikey password <key>`). */
const APIKEY_LOGIN = 'apikey';

/**
 * The key in the netrc file for the server's hostname (`NETRC`, else `~/.netrc`, else
 * `~/_netrc`), source id `netrc:<file>:<line>`. Only the hostname is matched, never port or path.
 *
 * Skips, with the reason in the trail, when there is no target server, no netrc file, no entry
 * for the host (saying so when a `machine` holds the host with a scheme, port or path, e.g.
 * `https://host` or `host:8080`, a common mistake that never matches), an entry with no login or
 * password, an entry whose login is not `apikey` (email/password login is out of scope), or an
 * empty password.
 *
 * Throws when the file is there but unusable: NetrcSyntaxError (`LK_NETRC_SYNTAX`) for a file
 * that cannot be tokenized, CredentialStoreError (`LK_CREDENTIAL_STORE`) for one that cannot be
 * read. Neither message contains a token value.
 * @public
 */
export function fromNetrc(): CredentialSource {
  return {
    name: 'netrc',
    async resolve(ctx: ResolveContext): Promise<SourceResult> {
      if (ctx.server === undefined) return { skipped: true, reason: 'no server given (netrc entries are per host)' };
      // The same hostname rule as the netrc engine's lookup (lower case, IPv6 brackets removed).
      const host = netrcHostname(ctx.server);
      const read = await readNetrc(ctx);
      if (!read.netrc || !read.path) {
        debugTo(ctx.debug, 'credentials:netrc', 'no file: %s', read.reason);
        return { skipped: true, reason: read.reason };
      }
      const file = read.path;
      for (const w of read.warnings) debugTo(ctx.debug, 'credentials:netrc', 'warning: %s', w.message);
      const match = read.netrc.lookup(host);
      if (!match) {
        const entry = read.netrc.find(host) ?? read.netrc.entriesFor(host)[0];
        const misspelt = entry ? '' : misspelledMachineHint(read.netrc, host, file);
        const reason = entry
          ? `the entry for ${host} at ${file}:${entry.line} has no login or password`
          : `no entry for host ${host} in ${file}${misspelt || machinesNote(read.netrc)}`;
        debugTo(ctx.debug, 'credentials:netrc', 'skipped: %s', reason);
        return misspelt ? { skipped: true, reason, repairable: true } : { skipped: true, reason };
      }
      const line = match.entry.line;
      const what = match.entry.kind === 'default' ? `the default entry at ${file}:${line}` : `the entry for ${host} at ${file}:${line}`;
      if (match.login.toLowerCase() !== APIKEY_LOGIN) {
        const reason = `${what} has login other than "apikey" (email/password login is not supported; store an API key as: login apikey password <key>)`;
        debugTo(ctx.debug, 'credentials:netrc', 'skipped: %s', reason);
        return match.entry.kind === 'machine' ? { skipped: true, reason, repairable: true } : { skipped: true, reason };
      }
      const key = normalizeApiKey(match.password);
      if (key === undefined) return { skipped: true, reason: `${what} has an empty password` };
      debugTo(ctx.debug, 'credentials:netrc', 'found %s:%d for %s', file, line, host);
      return {
        apiKey: key,
        source: `netrc:${file}:${line}`,
        fingerprint: fingerprintKey(key),
        details: match.entry.kind === 'default' ? { file, line, entry: 'default' } : { file, line, entry: 'machine', machine: match.entry.machine! },
        ...(read.warnings.length ? { warnings: read.warnings.map((w) => w.message) } : {}),
      };
    },
  };
}

/**
 * The machine names the file does have (host names, never a token value), so a near miss such as
 * `localhost` for `127.0.0.1`, or an old host name, shows in the trail. At most five.
 */
function machinesNote(netrc: Netrc): string {
  const names = [...new Set(netrc.entries.flatMap((e) => (e.kind === 'machine' && e.machine !== undefined ? [e.machine] : [])))];
  if (names.length === 0) return '';
  const shown = names.slice(0, 5).join(', ');
  return ` (its machines: ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ''})`;
}

/**
 * When an entry's machine is the host written with a scheme, port or path (`https://host`,
 * `host:8080`, `host/labkey`), netrc never matches it: say which line to fix.
 */
function misspelledMachineHint(netrc: Netrc, host: string, file: string): string {
  for (const entry of netrc.entries) {
    if (entry.kind !== 'machine' || entry.machine === undefined) continue;
    const shape = netrcMachineShape(entry.machine);
    if (shape && netrcHostKey(shape.bare) === host) {
      return `; ${file}:${entry.line} has machine "${entry.machine}", but a netrc machine is a bare hostname (no scheme, port or path): write "machine ${host}"`;
    }
  }
  return '';
}
