import { result, type Check } from '../check.js';
import { describeSource } from '@lk/sdk';

/**
 * LABKEY_API_KEY wins over the keychain, which wins over the netrc file. When an earlier source
 * holds a different key than a later one, the later one is silently ignored: say so, by
 * fingerprint (never by value).
 */
export const shadowing: Check = {
  id: 'shadowing',
  title: 'key sources',
  run(facts) {
    if (!facts.server) return result(this, 'skip', 'No server: sources are looked up per server.');
    const found = facts.sources.filter((r) => r.credential);
    const errors = facts.sources.filter((r) => r.outcome === 'error');
    const errorText = errors.map((r) => `${r.source} failed: ${r.reason}`).join('\n');
    if (found.length === 0) {
      return result(this, errors.length ? 'warn' : 'pass', errors.length ? errorText : 'No source holds a key (see the key check).');
    }
    const winner = found[0]!.credential!;
    const others = found.slice(1).map((r) => r.credential!);
    const different = others.filter((c) => c.fingerprint !== winner.fingerprint);
    const same = others.filter((c) => c.fingerprint === winner.fingerprint);
    const used = `lk uses key ${winner.fingerprint} from ${describeSource(winner)}`;
    const tail = errors.length ? `\n${errorText}` : '';
    if (different.length === 0) {
      const also = same.length ? `; ${same.map((c) => describeSource(c)).join(' and ')} hold${same.length === 1 ? 's' : ''} the same key` : '';
      return result(this, errors.length ? 'warn' : 'pass', `${used}${also}.${tail}`);
    }
    const shadowed = different.map((c) => `${describeSource(c)} holds a different key (${c.fingerprint}), which is ignored`).join('; ');
    let fix: string;
    if (winner.source.startsWith('env:')) {
      const v = winner.source.slice(4);
      // `lk auth login` refuses while the variable is set: unset it first either way.
      fix = `Unset ${v} to use the stored key; to store the variable's key instead, unset it, then run \`lk auth login --server ${facts.server.url}\`.`;
    }
    else if (winner.source.startsWith('keychain:')) fix = `Run \`lk auth logout --server ${facts.server.url}\` to remove the keychain item, or \`lk auth login\` to store the right key there.`;
    else fix = 'Remove the key you do not want.';
    return result(this, 'warn', `${used}; ${shadowed}.${tail}`, fix);
  },
};
