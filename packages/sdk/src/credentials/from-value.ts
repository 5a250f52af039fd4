import { InvalidArgumentError } from '../errors/credential-errors.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import type { Secret } from '../redact/secret.js';
import { debugTo } from '../debug.js';
import { normalizeApiKey } from './normalize-key.js';
import type { CredentialSource, ResolveContext, SourceResult } from './types.js';

/**
 * A key passed explicitly in code (`createClient({ apiKey })`), source id `option`.
 *
 * `undefined` is a skip (nothing was passed). A key that is empty once trimmed throws
 * InvalidArgumentError: the caller configured a key and it is unusable, so falling through to
 * another source would silently use a key they did not choose.
 * @public
 */
export function fromValue(apiKey: Secret | string | undefined): CredentialSource {
  return {
    name: 'option',
    async resolve(ctx: ResolveContext): Promise<SourceResult> {
      if (apiKey === undefined) {
        debugTo(ctx.debug, 'credentials:option', 'no apiKey option');
        return { skipped: true, reason: 'no apiKey option given' };
      }
      const key = normalizeApiKey(apiKey);
      if (key === undefined) {
        throw new InvalidArgumentError('The apiKey option is empty.', {
          hint: 'Pass a non-empty key, or leave the option out to use LABKEY_API_KEY, the keychain or netrc.',
        });
      }
      debugTo(ctx.debug, 'credentials:option', 'found apiKey option');
      return { apiKey: key, source: 'option', fingerprint: fingerprintKey(key), details: {} };
    },
  };
}
