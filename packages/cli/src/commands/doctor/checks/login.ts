import { Secret, stripLegacyPrefix } from '@lk/sdk';
import type { SdkModule } from '../../../deps.js';
import { result, type Check } from '../check.js';
import { lines, liveMachineEntry, printableLogin } from './shared.js';

/**
 * An API key's login must be `apikey`: the server treats any other login as an e-mail address with
 * a password, and lk skips such an entry. The repair (login → apikey) is offered only when the
 * server accepts the entry's password as an API key, so a real password is never relabelled.
 */
export const login: Check = {
  id: 'netrc-login',
  title: 'netrc login',
  async run(facts) {
    const netrc = facts.netrc.parsed;
    if (!facts.server || !netrc) return result(this, 'skip', 'No netrc entry to check.');
    const e = liveMachineEntry(netrc, facts.server.hostname);
    if (!e) return result(this, 'skip', `No machine ${facts.server.hostname} entry.`);
    if (e.login === 'apikey') return result(this, 'pass', `login apikey (${lines(e)}).`);
    const what = e.login === undefined ? 'has no login' : `has login ${printableLogin(e.login)}, not \`apikey\``;
    const detail = `The entry at ${lines(e)} ${what}: LabKey reads the password as an API key only when the login is \`apikey\` (otherwise as an account password), so lk skips this entry.`;
    let repairs;
    let fix = `Change the login at line ${e.line} to \`login apikey\` if its password is an API key; for an account password, create a key and run \`lk auth login --server ${facts.server.url}\`.`;
    if (e.password && e.password.reveal().trim() !== '') {
      // Is the password an API key the server accepts, as is or without a stray `apikey|` prefix?
      let accepted = await facts.verify(e.password);
      let stripped: string | undefined;
      if (accepted.kind !== 'accepted') {
        const bare = stripLegacyPrefix(e.password.reveal().trim());
        if (bare) {
          const v = await facts.verify(new Secret(bare));
          if (v.kind === 'accepted') {
            accepted = v;
            stripped = bare;
          }
        }
      }
      if (accepted.kind === 'accepted') {
        const index = e.index;
        const also = stripped !== undefined ? ' without its stale `apikey|` prefix' : '';
        fix = `Change line ${e.line} to \`login apikey\` (its password is an API key the server accepts${also} for ${accepted.email}; \`lk doctor --fix\` does this).`;
        repairs = [
          {
            id: 'login-apikey',
            kind: 'text' as const,
            order: 1,
            description: `set \`login apikey\`${stripped !== undefined ? ' and removed the stale `apikey|` prefix' : ''} in the entry for ${e.machine} (${lines(e)})`,
            edit(text: string, sdk: SdkModule) {
              const cur = sdk.parseNetrc(text).entries[index];
              if (!cur || cur.kind !== 'machine' || cur.login === 'apikey' || !cur.password) return text;
              const password = stripped !== undefined ? new Secret(stripped) : cur.password;
              // setNetrcEntryText edits the first entry for the host in place: this one (it is the live entry).
              return sdk.setNetrcEntryText(text, cur.machine!, { login: 'apikey', password });
            },
          },
        ];
      }
    }
    return result(this, 'fail', detail, fix, repairs ? { repairs } : {});
  },
};
