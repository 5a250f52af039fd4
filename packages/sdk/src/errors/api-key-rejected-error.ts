import { ErrorCodes } from './labkey-error.js';
import { HttpError, type HttpErrorOptions } from './http-error.js';

/**
 * Why a key was rejected, as far as the client can tell:
 * - `expired`: what is known locally about the key (keyInfo) says its expiry is past;
 * - `revoked`: known not expired, so it was deleted (revoked) on the server;
 * - `other-server`: what is known locally about the key (keyInfo) says it was issued for another
 *   server (two servers on one host share a netrc entry, which matches the host name only);
 * - `prefixed`: it starts with `apikey|` or `session|` (pre-23.3 keys carry that, but only as issued);
 * - `malformed`: whitespace, quotes, or not 64 hex characters;
 * - `wrong-host`: it came from a netrc `default` entry, not from an entry for this server;
 * - `shadowed`: an environment variable won over a different key stored for this server;
 * - `legacy-guest`: a pre-2024 server silently treated the request as guest;
 * - `bearer-unsupported`: the key went as `Authorization: Bearer` to a server that does not read it;
 * - `deactivated`: the server says the key's user account has been deactivated;
 * - `secondary-auth`: a password was refused because the server requires secondary authentication;
 * - `unknown`: expired or revoked, the client cannot tell which.
 * @public
 */
export type RejectionReason =
  | 'expired'
  | 'revoked'
  | 'other-server'
  | 'prefixed'
  | 'malformed'
  | 'wrong-host'
  | 'shadowed'
  | 'legacy-guest'
  | 'bearer-unsupported'
  | 'deactivated'
  | 'secondary-auth'
  | 'unknown';

/** The server did not accept the key that was sent. The hint names the likely cause and the fix. @public */
export class ApiKeyRejectedError extends HttpError {
  override readonly name = 'ApiKeyRejectedError';
  readonly reason: RejectionReason;
  /** Where the rejected key came from, e.g. `env:LABKEY_API_KEY`, `netrc:/home/me/.netrc:3`. */
  readonly source: string | undefined;
  /** First 8 hex of the key's SHA-256: safe to print, enough to tell keys apart. */
  readonly fingerprint: string | undefined;
  /** How the key was sent. */
  readonly authScheme: 'apikey' | 'basic' | 'bearer' | undefined;

  constructor(
    message: string,
    options: HttpErrorOptions & {
      reason: RejectionReason;
      source?: string;
      fingerprint?: string;
      authScheme?: 'apikey' | 'basic' | 'bearer';
    },
  ) {
    super(message, options, ErrorCodes.API_KEY_REJECTED);
    this.reason = options.reason;
    this.source = options.source;
    this.fingerprint = options.fingerprint;
    this.authScheme = options.authScheme;
  }
}
