import { fingerprintKey } from '../redact/fingerprint.js';
import { debugTo } from '../debug.js';
import { normalizeApiKey } from './normalize-key.js';
import { normalizeServerUrl, serverOrigin } from '../transport/url.js';
import type { CredentialSource, ResolveContext, SourceResult } from './types.js';

/** The environment variable holding an API key. @public */
export const ENV_API_KEY = 'LABKEY_API_KEY';
/** The environment variable naming the server (base URL) that {@link ENV_API_KEY} belongs to. @public */
export const ENV_SERVER = 'LABKEY_SERVER';

/**
 * The key in `LABKEY_API_KEY`, source id `env:LABKEY_API_KEY`.
 *
 * Skips (with the reason in the trail) when the variable is unset or blank, and when
 * `LABKEY_SERVER` is set to a server whose origin (scheme, host, port) differs from the one being
 * called: an environment key is never sent to a host it was not meant for. Without
 * `LABKEY_SERVER`, or without a target server, the key is used as is.
 * @public
 */
export function fromEnv(): CredentialSource {
  return {
    name: 'env',
    async resolve(ctx: ResolveContext): Promise<SourceResult> {
      const seen = [ENV_API_KEY, ENV_SERVER].filter((name) => ctx.env[name] !== undefined);
      const raw = ctx.env[ENV_API_KEY];
      if (raw === undefined) {
        debugTo(ctx.debug, 'credentials:env', 'not found %s%s', ENV_API_KEY, seen.length ? ` (seen ${seen.join(', ')})` : '');
        return { skipped: true, reason: `${ENV_API_KEY} not set` };
      }
      const key = normalizeApiKey(raw);
      if (key === undefined) {
        debugTo(ctx.debug, 'credentials:env', 'found %s but it is blank', ENV_API_KEY);
        return { skipped: true, reason: `${ENV_API_KEY} is set but blank` };
      }
      const envServer = ctx.env[ENV_SERVER]?.trim();
      if (envServer && ctx.server !== undefined) {
        const mismatch = differentServer(envServer, ctx.server);
        if (mismatch) {
          debugTo(ctx.debug, 'credentials:env', 'found %s, skipped: %s', seen.join(', '), mismatch);
          return { skipped: true, reason: mismatch };
        }
      }
      debugTo(ctx.debug, 'credentials:env', 'found %s', seen.join(', '));
      return {
        apiKey: key,
        source: `env:${ENV_API_KEY}`,
        fingerprint: fingerprintKey(key),
        details: { variable: ENV_API_KEY },
      };
    },
  };
}

/** A skip reason when LABKEY_SERVER names another server than `target`, else undefined. */
function differentServer(envServer: string, target: string): string | undefined {
  let envOrigin: string;
  try {
    envOrigin = serverOrigin(envServer);
  } catch {
    // A LABKEY_SERVER we cannot parse cannot vouch for the target: do not send the key anywhere.
    return `${ENV_SERVER} is not a valid URL, so ${ENV_API_KEY} is not used for ${safeServer(target)}`;
  }
  if (envOrigin === serverOrigin(target)) return undefined;
  return `${ENV_API_KEY} belongs to ${ENV_SERVER}=${normalizeServerUrl(envServer, { dropUserinfo: true })}, not ${safeServer(target)}`;
}

function safeServer(server: string): string {
  try {
    return normalizeServerUrl(server, { dropUserinfo: true });
  } catch {
    return 'the requested server';
  }
}
