import { InvalidArgumentError } from '../errors/credential-errors.js';

/**
 * The canonical form of a server base URL: lower-case scheme and host, no default port, no
 * userinfo, query or fragment, and the context path without a trailing slash:
 * `HTTPS://Me@Host:443/labkey/` → `https://host/labkey`. A bare host gets `https://`.
 * Throws InvalidArgumentError for something that is not a URL (the message names the problem,
 * not the value, since people paste odd things into `--server`).
 */
export function normalizeServerUrl(server: string): string {
  const url = parseServer(server);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** `scheme://host[:port]` of a server, for "is this the same server" checks. */
export function serverOrigin(server: string): string {
  return parseServer(server).origin;
}

function parseServer(server: string): URL {
  const text = server.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError('The server is not a valid URL.', {
      hint: 'Pass the base URL, e.g. --server https://labkey.example.org/labkey',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`The server URL must use http or https, not ${url.protocol.replace(':', '')}.`, {
      hint: 'Pass the base URL, e.g. --server https://labkey.example.org/labkey',
    });
  }
  return url;
}
