import { fingerprintKey } from '../redact/fingerprint.js';
import { debugTo } from '../debug.js';
import { isKeychainFailure, type KeychainFailureKind } from './keychain/keychain-error.js';
import { normalizeApiKey } from './normalize-key.js';
import { normalizeServerUrl } from '../transport/url.js';
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
  return normalizeServerUrl(server, { dropUserinfo: true });
}

const DEFAULT_SKIP_ON: readonly KeychainFailureKind[] = ['unavailable', 'locked', 'timeout'];

/** Options for {@link fromKeychain}. @public */
export interface FromKeychainOptions {
  /** Service name (default {@link KEYCHAIN_SERVICE}). */
  service?: string;
  /**
   * Keychain failures that count as "not here" and skip to the next source, with the reason in
   * the trail. Default `['unavailable', 'locked', 'timeout']`: a missing, locked or silent Secret
   * Service is a reason in the trail, never a hang or a crash. Pass `['unavailable']` to stop the
   * chain on a locked or silent keychain instead. The kinds not listed are thrown.
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
 * Also skips, with the reason in the trail, when the keychain is locked or does not answer within
 * its time box (3 s): the next source's key is used and the trail says why the keychain was passed
 * over. A missing or locked Secret Service is a reason in the trail, never a hang.
 * Throws the adapter's KeychainError (`LK_CREDENTIAL_STORE`) for any other failure.
 * `options.skipOn` changes which failures skip.
 * @public
 */
export function fromKeychain(options: FromKeychainOptions = {}): CredentialSource {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const skipOn = new Set<KeychainFailureKind>(options.skipOn ?? DEFAULT_SKIP_ON);
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
          debugTo(ctx.debug, 'credentials:keychain', 'skipped: %s %s%s', ctx.keychain.name, error.kind, error.native ? ` (${error.native})` : '');
          // The plain reason for messages; the keychain's own text only in `detail` (lk doctor, --json).
          return {
            skipped: true,
            reason: error.summary,
            ...(error.kind === 'unavailable' ? { unavailable: true as const } : {}),
            ...(error.native ? { detail: error.native } : {}),
          };
        }
        throw error;
      }
      if (stored === undefined) {
        debugTo(ctx.debug, 'credentials:keychain', 'not found service %s account %s', service, account);
        return { skipped: true, reason: `no entry for service ${service}, account ${account} in ${ctx.keychain.name}` };
      }
      const key = normalizeApiKey(stored);
      if (key === undefined) {
        return { skipped: true, reason: `the entry for service ${service}, account ${account} is blank` };
      }
      debugTo(ctx.debug, 'credentials:keychain', 'found service %s account %s', service, account);
      return {
        apiKey: key,
        source: `keychain:${service}/${account}`,
        fingerprint: fingerprintKey(key),
        details: { service, account },
      };
    },
  };
}
