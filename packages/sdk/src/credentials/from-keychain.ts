import { fingerprintKey } from '../redact/fingerprint.js';
import { debug } from '../debug.js';
import { isKeychainFailure, type KeychainFailureKind } from './keychain/keychain-error.js';
import { normalizeApiKey } from './normalize-key.js';
import { normalizeServerUrl } from './server-url.js';
import type { CredentialSource, ResolveContext, SourceResult } from './types.js';

/**
 * The keychain service name under which lk stores keys. @public
 */
export const KEYCHAIN_SERVICE = 'lk';

/**
 * The keychain account for a server: its normalised base URL, `scheme://host[:port]/contextpath`
 * (lower-case scheme and host, default port dropped, no userinfo, query, fragment or trailing
 * slash). So `https://LabKey.example.org:443/labkey/` and `https://labkey.example.org/labkey`
 * share one entry, while two context paths on one host (two LabKey instances) get two.
 *
 * Throws InvalidArgumentError when `server` is not an http(s) URL.
 * @public
 */
export function keychainAccountFor(server: string): string {
  return normalizeServerUrl(server);
}

/** Options for {@link fromKeychain}. @public */
export interface FromKeychainOptions {
  /** Service name (default {@link KEYCHAIN_SERVICE}). */
  service?: string;
  /**
   * Keychain failures that count as "not here" and skip to the next source, with the reason in
   * the trail. Default `['unavailable']`; add `'locked'` and `'timeout'` where a best-effort
   * answer beats stopping (e.g. a status report). The rest are thrown.
   */
  skipOn?: KeychainFailureKind[];
}

/**
 * The key stored in the OS keychain for `ctx.server`: service {@link KEYCHAIN_SERVICE} (`lk`),
 * account {@link keychainAccountFor}(server). Source id `keychain:lk/<account>`.
 *
 * Skips, with the reason in the trail, when there is no keychain adapter, no target server, no
 * entry, or no keychain service is reachable at all (headless Linux without a D-Bus session or
 * Secret Service: the keychain is simply not set up here, so the chain falls through to netrc).
 *
 * Throws the adapter's KeychainError (`LK_CREDENTIAL_STORE`) when the keychain exists but cannot
 * answer: locked, timed out (3 s), or any other failure. That is "configured but broken": the
 * user may well have a key in there, and silently using a weaker source (an old netrc line)
 * instead would be a surprise. Setting LABKEY_API_KEY bypasses the keychain, since env comes first.
 * `options.skipOn` changes which failures skip.
 * @public
 */
export function fromKeychain(options: FromKeychainOptions = {}): CredentialSource {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const skipOn = new Set<KeychainFailureKind>(options.skipOn ?? ['unavailable']);
  return {
    name: 'keychain',
    async resolve(ctx: ResolveContext): Promise<SourceResult> {
      if (!ctx.keychain) return { skipped: true, reason: 'no keychain available' };
      if (ctx.server === undefined) return { skipped: true, reason: 'no server given (keychain entries are per server)' };
      const account = keychainAccountFor(ctx.server);
      let stored: string | undefined;
      try {
        stored = await ctx.keychain.get(service, account);
      } catch (error) {
        if (isKeychainFailure(error) && skipOn.has(error.kind)) {
          debug('credentials:keychain', 'skipped: %s %s', ctx.keychain.name, error.kind);
          const message = (error as Error).message.replace(/^\[lk-sdk\]\s*/, '').replace(/\.$/, '');
          return { skipped: true, reason: message };
        }
        throw error;
      }
      if (stored === undefined) {
        debug('credentials:keychain', 'not found service %s account %s', service, account);
        return { skipped: true, reason: `no entry for service ${service}, account ${account} in ${ctx.keychain.name}` };
      }
      const key = normalizeApiKey(stored);
      if (key === undefined) {
        return { skipped: true, reason: `the entry for service ${service}, account ${account} is blank` };
      }
      debug('credentials:keychain', 'found service %s account %s', service, account);
      return {
        apiKey: key,
        source: `keychain:${service}/${account}`,
        fingerprint: fingerprintKey(key),
        details: { service, account },
      };
    },
  };
}
