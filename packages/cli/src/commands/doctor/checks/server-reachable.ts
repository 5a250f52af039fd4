import { result, type Check } from '../check.js';
import type { ProbeOutcome } from '../probe-server.js';
import { folderUrlProblem } from '../../shared/server.js';

function describe(o: ProbeOutcome): string {
  if (o.kind === 'ok') return `${o.url} answers like LabKey`;
  if (o.kind === 'unreachable') return `${o.url} (${o.reason})`;
  if (o.kind === 'wrong-scheme') return `${o.url} (${o.mismatch.problem})`;
  return `${o.url} ${o.what}`;
}

/**
 * The server answers, and the base URL has the right context path: `login-whoAmI.api` answers
 * every caller with JSON, so an HTML 404 or a login page there means the context path is wrong.
 * Both usual context paths are tried (with and without `/labkey`) and the one that works is named.
 * A scheme that is the wrong one for the port (the SDK's `schemeMismatch`) is named first.
 */
export const serverReachable: Check = {
  id: 'server',
  title: 'server and context path',
  async run(facts) {
    if (facts.configError) return result(this, 'fail', `The lk config cannot be used: ${facts.configError}`, 'Fix or delete the lk config file (it holds no secrets), or pass --server URL.');
    if (!facts.server) return result(this, 'skip', `No server to check: ${facts.noServerReason ?? 'none given'}.`, 'Pass --server URL.');
    const r = await facts.probe();
    const url = facts.server.url;
    if (r.given.kind === 'ok' && r.folder) {
      const { base, container } = r.folder;
      return result(
        this,
        'fail',
        folderUrlProblem(url, facts.server.from, r.folder),
        `Use --server ${base} --container ${container}${facts.server.from === '--server' ? '' : ` (and \`lk auth login --server ${base} --container ${container}\` to remember it)`}.`,
      );
    }
    if (r.given.kind === 'ok') return result(this, 'pass', `${url} (from ${facts.server.from}) answers login-whoAmI.api.`);
    if (r.given.kind === 'wrong-scheme') {
      const { kind, url: other, problem } = r.given.mismatch;
      const remember = facts.server.from === '--server' ? '' : ` (and \`lk auth login --server ${other}\` to remember it)`;
      return result(
        this,
        'fail',
        `${url} (from ${facts.server.from}): ${problem}.`,
        kind === 'http-to-tls-port'
          ? `Use --server ${other}${remember}.`
          : `Use --server ${other}${remember}: the key then travels unencrypted, so only on a trusted network; or use the server's https:// port.`,
      );
    }
    if (r.given.kind === 'unreachable') {
      return result(this, 'fail', `Cannot reach ${describe(r.given)}.`, `Check the URL (from ${facts.server.from}) and that the server is running; pass the right one with --server.`);
    }
    const alt = r.alternative;
    if (alt && alt.outcome.kind === 'ok') {
      return result(
        this,
        'fail',
        `Wrong context path: ${describe(r.given)}; but ${alt.base} works.`,
        `Use --server ${alt.base}${facts.server.from === '--server' ? '' : ` (and \`lk auth login --server ${alt.base}\` to remember it)`}.`,
      );
    }
    return result(
      this,
      'fail',
      `${describe(r.given)}${alt ? `; ${describe(alt.outcome)}` : ''}: neither looks like a LabKey server's base URL.`,
      'Check the base URL: scheme, host, port and context path (e.g. https://host/labkey or https://host).',
    );
  },
};
