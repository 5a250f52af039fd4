import { result, type Check } from '../check.js';
import { hostKey, lines, liveMachineEntry, malformedMachines } from './shared.js';

/** Is there a `machine` entry for the server's hostname (the only thing netrc readers match)? */
export const hostEntry: Check = {
  id: 'netrc-entry',
  title: 'netrc entry for the server',
  run(facts) {
    if (!facts.server) return result(this, 'skip', `No server to look for: ${facts.noServerReason ?? 'none given'}.`, 'Pass --server URL, or run `lk auth login --server URL` once.');
    const netrc = facts.netrc.parsed;
    const file = facts.netrc.location.path;
    const host = facts.server.hostname;
    if (!netrc || !file) return result(this, 'skip', facts.netrc.syntaxError ? 'The netrc file does not parse (see netrc syntax).' : 'No netrc file.');
    const live = liveMachineEntry(netrc, host);
    if (live && facts.server.sharesHost.length > 0) {
      const others = facts.server.sharesHost.join(', ');
      return result(
        this,
        'warn',
        `machine ${host} at ${file} ${lines(live)} also serves ${others}: lk knows ${facts.server.sharesHost.length + 1} servers on host ${host}, and a netrc entry matches the host name only, so they share one key and at most one of them accepts it.`,
        `Keep one server's key in the OS keychain: \`lk auth login --server ${facts.server.url} --store keychain\`.`,
      );
    }
    if (live) return result(this, 'pass', `machine ${host} at ${file} ${lines(live)}.`);
    const mangled = malformedMachines(netrc).filter((m) => hostKey(m.bare) === hostKey(host));
    const login = `lk auth login --server ${facts.server.url}`;
    if (mangled.length > 0) {
      const m = mangled[0]!;
      return result(
        this,
        'fail',
        `No entry matches ${host}: the entry at ${lines(m.entry)} names \`${m.entry.machineRaw}\`, which holds ${m.problems.join(' and ')}, and netrc readers compare the hostname only.`,
        `Change it to \`machine ${m.bare}\` (\`lk doctor --fix\` does this).`,
      );
    }
    const dflt = netrc.entries.find((e) => e.kind === 'default');
    const elsewhere = facts.effective && !facts.effective.source.startsWith('netrc:');
    if (dflt) {
      return result(
        this,
        'warn',
        `No machine ${host} in ${file}; the \`default\` entry at ${lines(dflt)} applies to it (and to every other host).`,
        `Run \`${login}\` to add an entry for ${host}.`,
      );
    }
    if (elsewhere) return result(this, 'pass', `No machine ${host} in ${file}; not needed, the key comes from another source.`);
    return result(this, 'fail', `No machine ${host} in ${file}.`, `Run \`${login}\`.`);
  },
};
