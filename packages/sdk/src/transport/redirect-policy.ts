/**
 * Redirect decisions, kept pure so they can be tested without a network. undici's redirect
 * interceptor (like fetch) forwards custom headers such as `apikey` to another origin, so the SDK
 * follows redirects itself and asks these functions what to keep.
 */

/** Statuses followed; every other 3xx is returned to the caller as is. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** At most this many redirects are followed per request. */
export const MAX_REDIRECTS = 5;

/** Header names (lower-case) that carry credentials and never cross an origin. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'apikey', 'cookie', 'x-labkey-csrf', 'proxy-authorization'];

/**
 * True when credentials must be dropped going from `from` to `to`: a different origin (scheme,
 * host or port), or a downgrade from https to http. The first is already implied by the second;
 * both are spelled out because the downgrade is the one that matters most.
 */
export function mustDropCredentials(from: URL | string, to: URL | string): boolean {
  const a = typeof from === 'string' ? new URL(from) : from;
  const b = typeof to === 'string' ? new URL(to) : to;
  if (a.protocol === 'https:' && b.protocol !== 'https:') return true;
  return a.origin !== b.origin;
}

/**
 * The method and body for the next hop: 303 always becomes GET without a body; 301 and 302 turn a
 * POST into GET (as browsers and undici do); 307 and 308 keep method and body.
 */
export function nextMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 303) return { method: method === 'HEAD' ? 'HEAD' : 'GET', keepBody: false };
  if ((status === 301 || status === 302) && method === 'POST') return { method: 'GET', keepBody: false };
  return { method, keepBody: status === 307 || status === 308 };
}

/** Resolves a Location header against the current URL; undefined when missing or unusable. */
export function resolveLocation(location: string | string[] | undefined, current: string): URL | undefined {
  const loc = Array.isArray(location) ? location[0] : location;
  if (!loc) return undefined;
  try {
    const u = new URL(loc, current);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}
