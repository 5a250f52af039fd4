/**
 * LabKey's CSRF protection, client side: every mutating POST carries the `X-LABKEY-CSRF` header
 * with the token the server hands out in `login-whoAmI.api` (its cookie lands in the jar). The
 * token is fetched once per client (one shared request in flight), kept, and refreshed once when
 * the server refuses it.
 */
import type { ResolvedAuth } from './auth/resolved-auth.js';
import { CSRF_MESSAGE, parseJsonObject } from './errors/to-labkey-error.js';
import { BadResponseError } from './errors/http-error.js';
import type { CookieJar } from './transport/cookie-jar.js';
import { redactRequest, redactUrl } from './transport/redacted-request.js';
import type { RawResponse } from './transport/transport.js';

/** The CSRF cookie's name (the header is the same name, lower-cased). */
const CSRF_COOKIE = 'X-LABKEY-CSRF';

export interface CsrfFetch {
  /** GET `login-whoAmI.api` in the root container, without a CSRF token. */
  whoAmI(signal: AbortSignal | undefined): Promise<Record<string, unknown>>;
  /** The URL of that request, for the error when the answer has no token. */
  whoAmIUrl(): string;
}

export class CsrfState {
  private token: string | undefined;
  private inFlight: Promise<string> | undefined;
  /** Mutating-header objects cached per token and resolved auth. */
  private headers: { token: string; auth: ResolvedAuth; json: Record<string, string>; form: Record<string, string> } | undefined;

  constructor(
    private readonly jar: CookieJar,
    private readonly fetch: CsrfFetch,
  ) {}

  /** Forgets the token and its cookie so the next mutating request fetches a fresh one. */
  reset(): void {
    this.token = undefined;
    this.headers = undefined;
    this.jar.delete(CSRF_COOKIE);
  }

  /** Records a token seen in a whoAmI answer (any whoAmI call primes the CSRF state). */
  note(token: unknown): void {
    if (typeof token === 'string' && token.length > 0 && token !== this.token) {
      this.token = token;
      this.headers = undefined;
    }
  }

  /** The token: kept, or fetched with `login-whoAmI.api` once (shared in flight). */
  ensure(signal: AbortSignal | undefined): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.inFlight ??= this.fetch
      .whoAmI(signal)
      .then((who) => {
        const token = typeof who.CSRF === 'string' ? who.CSRF : undefined;
        if (!token) {
          const url = this.fetch.whoAmIUrl();
          throw new BadResponseError(`GET ${redactUrl(url)} answered without a CSRF token, so no change can be sent to this server.`, {
            status: 200,
            request: redactRequest('GET', url, {}),
            hint: 'LabKey always returns one; a proxy or a non-LabKey server answered instead. Check the base URL with `lk doctor`.',
          });
        }
        this.note(token);
        return token;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** The headers of a mutating request: the auth's JSON or form headers plus the token. */
  headersFor(a: ResolvedAuth, token: string, json: boolean): Record<string, string> {
    if (!this.headers || this.headers.token !== token || this.headers.auth !== a) {
      this.headers = {
        token,
        auth: a,
        json: { ...a.jsonHeaders, 'x-labkey-csrf': token },
        form: { ...a.formHeaders, 'x-labkey-csrf': token },
      };
    }
    return json ? this.headers.json : this.headers.form;
  }
}

/** Whether a response is LabKey refusing the CSRF token (a 401 naming the security context). */
export function csrfRefused(res: RawResponse): boolean {
  return res.status === 401 && CSRF_MESSAGE.test(String(parseJsonObject(res.body)?.exception ?? ''));
}
