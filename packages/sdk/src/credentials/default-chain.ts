import { readNetrcText } from './netrc/netrc-file.js';
import { statPath } from './fs-async.js';
import type { Secret } from '../redact/secret.js';
import { chain, type CredentialChain } from './chain.js';
import { fromEnv } from './from-env.js';
import { fromKeychain } from './from-keychain.js';
import { fromNetrc } from './from-netrc.js';
import { fromValue } from './from-value.js';
import { createOsKeychain } from './keychain/os-keychain.js';
import type { CredentialFs, ResolveContext } from './types.js';

/** Options for {@link defaultChain}. @public */
export interface DefaultChainOptions {
  /** A key passed in code. When given, it wins and nothing else is read. */
  apiKey?: Secret | string;
}

/**
 * The standard credential chain. Precedence, first match wins:
 *
 * 1. `apiKey` passed in code (source `option`), only when the option is given;
 * 2. `LABKEY_API_KEY` (source `env:LABKEY_API_KEY`), unless `LABKEY_SERVER` names another server;
 * 3. the OS keychain, service `lk`, account = the server's normalised base URL
 *    (source `keychain:lk/<account>`);
 * 4. the netrc file (`NETRC`, `~/.netrc`, `~/_netrc`), entry for the server's hostname with
 *    login `apikey` (source `netrc:<file>:<line>`).
 *
 * What is *not* read once a source wins: everything after it. With `LABKEY_API_KEY` set, the
 * keychain is never asked (no D-Bus call, no unlock prompt) and no netrc file is opened; with a
 * keychain entry, netrc is not opened, so even a malformed netrc does not matter. Pass
 * `{ inspectShadowed: true }` to `resolve` to read the rest on purpose and learn which later
 * sources hold a different key.
 *
 * A source that is configured but broken (unparsable netrc, locked or hung keychain) stops the
 * chain with its error instead of falling through; a missing keychain service (headless Linux)
 * is a skip.
 * @public
 */
export function defaultChain(options: DefaultChainOptions = {}): CredentialChain {
  const sources = [fromEnv(), fromKeychain(), fromNetrc()];
  return options.apiKey === undefined ? chain(...sources) : chain(fromValue(options.apiKey), ...sources);
}

/**
 * A ResolveContext built from this process: `process.env`, home from `HOME` then `USERPROFILE`,
 * node:fs (./fs-async.ts), the OS keychain adapter (3 s time box), the wall clock and
 * `process.platform`. This is the only place in the SDK that reads process globals; tests build
 * their own context instead. `overrides` replace single fields (e.g. `{ keychain: undefined }`).
 * @public
 */
export function defaultResolveContext(server?: string, overrides: Partial<ResolveContext> = {}): ResolveContext {
  const env = process.env;
  const fs: CredentialFs = {
    readFile: readNetrcText,
    stat: async (path) => {
      const s = await statPath(path);
      return { mode: s.mode & 0o7777, isFile: s.isFile() };
    },
  };
  return {
    env,
    homedir: env.HOME || env.USERPROFILE || undefined,
    fs,
    keychain: 'keychain' in overrides ? overrides.keychain : createOsKeychain({ platform: process.platform }),
    now: () => new Date(),
    platform: process.platform,
    server,
    ...overrides,
  };
}
