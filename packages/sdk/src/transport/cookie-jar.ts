/** LabKey's (Tomcat's) session cookie. */
export const SESSION_COOKIE = 'JSESSIONID';

/**
 * A per-client cookie jar for the client's own origin only. It keeps the cookies the server sets
 * (LabKey's CSRF cookie `X-LABKEY-CSRF` above all), but sends them only back to the origin it was
 * created for: never across a redirect to another origin or from https to http.
 *
 * The session cookie of an answer to a request that carried a key is not kept (`keyed`): LabKey
 * logs a key-authenticated request into a session, and a session user wins over any credential,
 * so replaying it would let a revoked or expired key keep working until the session ends (before
 * 26.7). The key goes on every request instead. CSRF does not need the session: LabKey's token is
 * a double-submit cookie (`X-LABKEY-CSRF` cookie = header), not tied to the login session.
 */
export class CookieJar {
  readonly origin: string;
  private readonly cookies = new Map<string, string>();
  private header: string | undefined;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Stores cookies from `set-cookie` header values received from `url`. Other origins are ignored. */
  store(url: string | URL, setCookie: string | string[] | undefined, keyed = false): void {
    if (setCookie === undefined) return;
    const u = typeof url === 'string' ? new URL(url) : url;
    if (u.origin !== this.origin) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const first = line.split(';', 1)[0] ?? '';
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      if (keyed && name === SESSION_COOKIE) continue;
      const value = first.slice(eq + 1).trim();
      const expired = /;\s*max-age=(0|-\d+)/i.test(line) || (/;\s*expires=([^;]+)/i.exec(line)?.[1] ?? '').match(/1970/) !== null;
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    this.header = undefined;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  delete(name: string): void {
    if (this.cookies.delete(name)) this.header = undefined;
  }

  /** The `Cookie` header for a request to `url`, or undefined (other origin, or empty jar). */
  headerFor(url: string | URL): string | undefined {
    const u = typeof url === 'string' ? new URL(url) : url;
    if (u.origin !== this.origin || this.cookies.size === 0) return undefined;
    if (this.header === undefined) this.header = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return this.header;
  }

  /** The `Cookie` header for a URL the caller knows is on this jar's origin. */
  ownHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    if (this.header === undefined) this.header = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return this.header;
  }

  /** Names only (for debug output). */
  names(): string[] {
    return [...this.cookies.keys()];
  }

  get size(): number {
    return this.cookies.size;
  }
}
