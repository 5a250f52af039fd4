import type { RedactedRequest } from '../errors/labkey-error.js';

const SECRET_PARAM = /^(apikey|api_key|key|token|access_token|password|passwd|pwd|secret|x-labkey-csrf|labkeytransformsessionid|sessionid|jsessionid)$/i;

/** URL with userinfo removed and secret-looking query parameters replaced by `[REDACTED]`. */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '[unparsable URL]';
  }
  u.username = '';
  u.password = '';
  if (u.search) {
    const names = [...u.searchParams.keys()];
    for (const name of new Set(names)) {
      if (SECRET_PARAM.test(name)) u.searchParams.set(name, '[REDACTED]');
    }
  }
  return u.toString();
}

/** Method, redacted URL and header names only: what an error or log may hold about a request. */
export function redactRequest(method: string, url: string | URL, headers: Record<string, unknown> | undefined): RedactedRequest {
  return {
    method,
    url: redactUrl(url),
    headerNames: headers ? Object.keys(headers).map((h) => h.toLowerCase()).sort() : [],
  };
}
