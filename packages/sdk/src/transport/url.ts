import { InvalidArgumentError } from '../errors/credential-errors.js';
import { closestNames } from '../api/suggest.js';

/** A parameter value as LabKey binds it; arrays repeat the name, `undefined`/`null` are left out. @public */
export type ParamValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** How strictly {@link normalizeServerUrl} reads its input. @public */
export interface ServerUrlOptions {
  /**
   * Refuse what a base URL never has, instead of dropping it: a query, a fragment, and a page or
   * action URL (`…/project-begin.view`, `…-whoAmI.api`). For URLs a person typed (`--server`).
   */
  strict?: boolean;
  /**
   * Drop a user name or password instead of refusing it. Only for deriving a lookup key (the
   * keychain account) from a URL that is never sent anywhere.
   */
  dropUserinfo?: boolean;
}

const EXAMPLE_HINT = 'Pass the server as scheme, host and context path, e.g. https://labkey.example.org/labkey';

/**
 * The one canonical form of a server base URL, used for the client's `baseUrl`, the keychain
 * account and the CLI's config keys: lower-case scheme and host, no default port, the context
 * path without a trailing slash, no query or fragment: `HTTPS://Host:443/labkey/` →
 * `https://host/labkey`. A URL without a scheme gets `https://`.
 *
 * Throws InvalidArgumentError for something that is not an http(s) URL, and for a user name or
 * password in it (it would end up in logs; use a credential source) unless `dropUserinfo`. The
 * message never repeats a password. It cannot tell from the text alone whether the path ends in a
 * folder (`…/labkey/home`): {@link folderSplits} lists the ways it could, for a caller to probe.
 * @public
 */
export function normalizeServerUrl(input: string, options: ServerUrlOptions = {}): string {
  const raw = String(input).trim();
  const shown = JSON.stringify(raw.replace(/\/\/[^@/]*@/, '//'));
  if (raw === '') throw new InvalidArgumentError('The server URL is empty.', { hint: EXAMPLE_HINT });
  const meant = mistypedScheme(raw);
  if (meant !== undefined) {
    throw new InvalidArgumentError(`The server URL ${shown} has a mistyped scheme: it does not start with http:// or https://.`, { hint: `Did you mean ${meant}?` });
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(`Not a URL: ${shown}`, { hint: EXAMPLE_HINT });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidArgumentError(`Unsupported URL scheme ${u.protocol} (use http: or https:)`, { hint: EXAMPLE_HINT });
  }
  if ((u.username || u.password) && !options.dropUserinfo) {
    throw new InvalidArgumentError('The server URL must not contain a user name or password.', {
      hint: 'Remove `user:pass@` from the URL; lk reads the key from the netrc file, the keychain or LABKEY_API_KEY.',
    });
  }
  const path = u.pathname.replace(/\/+$/, '');
  if (options.strict) {
    if (u.search || u.hash) {
      throw new InvalidArgumentError(`The server URL must not have a query or fragment: ${shown}`, {
        hint: 'Drop everything from the "?" or "#" on, e.g. https://labkey.example.org/labkey.',
      });
    }
    // A pasted page URL such as https://host/labkey/home/project-begin.view is not a base URL.
    if (/\.(view|api|post)$/i.test(path)) {
      throw new InvalidArgumentError(`That looks like a page URL, not the server's base URL: ${shown}`, {
        hint: 'Use the part before the container path, e.g. https://host/labkey.',
      });
    }
  }
  return `${u.protocol}//${u.host}${path}`;
}

/**
 * The URL meant by one whose http(s) scheme was mistyped, normalised (without any user name or
 * password): `http//host`, `http:/host` and `http:host` (the colon or a slash left out), `htp://`,
 * `htps://`, `httpss://` (an edit away from http or https); undefined for anything else. Without
 * this, `http//host` reads as a host named "http" with `https://` put in front.
 */
function mistypedScheme(raw: string): string | undefined {
  const m = /^(https?)(?:\/\/|:\/?(?!\/))(.+)$/i.exec(raw) ?? /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(raw);
  if (!m) return undefined;
  const typed = m[1]!.toLowerCase();
  const scheme = typed === 'http' || typed === 'https' ? (raw.slice(typed.length).startsWith('://') ? undefined : typed) : closestNames(typed, ['http', 'https'])[0];
  if (scheme === undefined) return undefined;
  try {
    return normalizeServerUrl(`${scheme}://${m[2]!}`, { dropUserinfo: true });
  } catch {
    return undefined;
  }
}

/** `scheme://host[:port]` of a server, for "is this the same server" checks. @public */
export function serverOrigin(server: string): string {
  return new URL(normalizeServerUrl(server, { dropUserinfo: true })).origin;
}

/** A base URL over https, same host, port and path: what to use when its http:// port speaks TLS. @public */
export function httpsUrl(baseUrl: string): string {
  return withScheme(baseUrl, 'https:');
}

/**
 * A base URL, normalised, with `scheme`: same host, port and path, except that a default port
 * follows the scheme (`http://host` → `https://host`). Throws as {@link normalizeServerUrl}.
 */
export function withScheme(baseUrl: string, scheme: 'http:' | 'https:'): string {
  const u = new URL(normalizeServerUrl(baseUrl));
  u.protocol = scheme;
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * The other usual context path for a base URL: without `/labkey` if it ends in it, else with it
 * (deployments use `/labkey`, traditional, or the root context, embedded Tomcat in 24.x and later).
 * @public
 */
export function otherContextPath(baseUrl: string): string {
  const u = new URL(normalizeServerUrl(baseUrl));
  const path = u.pathname.replace(/\/+$/, '');
  if (path.toLowerCase().endsWith('/labkey')) return `${u.origin}${path.slice(0, -'/labkey'.length)}`;
  return `${u.origin}${path}/labkey`;
}

/**
 * The usual base URLs on the same origin as `baseUrl`, other than itself, most likely first: its
 * {@link otherContextPath}, then `/labkey` and the root (which a mistyped context path such as
 * `/labkye` or `/lab` misses). For a caller that probes which one the server answers at.
 * @public
 */
export function usualBaseUrls(baseUrl: string): string[] {
  const u = new URL(normalizeServerUrl(baseUrl));
  const given = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  return [...new Set([otherContextPath(baseUrl), `${u.origin}/labkey`, u.origin])].filter((b) => b !== given);
}

/**
 * The ways a base URL could really be a shorter base plus a folder (container) path, shortest
 * base first: `https://host/labkey/home/a` → `https://host/labkey` + `/home/a`, then
 * `https://host/labkey/home` + `/a`. A leading `/labkey` stays in the base (the usual context
 * path; a root-context server may forward `/labkey` URLs), so the usual bases (`https://host`,
 * `https://host/labkey`) have none. Which split is right only the server can tell: whoAmI answers
 * in any folder, so the shortest base where it answers is the server's base URL.
 * @public
 */
export function folderSplits(baseUrl: string): { base: string; container: string }[] {
  const u = new URL(normalizeServerUrl(baseUrl));
  const segs = u.pathname.split('/').filter((x) => x !== '');
  const from = segs[0]?.toLowerCase() === 'labkey' ? 1 : 0;
  const out: { base: string; container: string }[] = [];
  for (let k = from; k < segs.length; k++) {
    const base = `${u.origin}${segs.slice(0, k).map((x) => `/${x}`).join('')}`;
    const container = segs.slice(k).map((x) => `/${decodeURIComponent(x)}`).join('');
    out.push({ base, container });
  }
  return out;
}

/**
 * Encodes a container path for a new-style URL: each segment with encodeURIComponent, so a
 * literal `+` is `%2B` and a space `%20` (the server reads a raw `+` as a space). The root
 * container (`/` or '') has no segments. Returns '' or `/seg/seg`.
 */
export function encodeContainerPath(container: string | undefined): string {
  if (!container) return '';
  let out = '';
  for (const seg of container.split('/')) {
    // A URL resolves `.` and `..`: `/../x` would leave the context path with the key attached.
    if (seg === '.' || seg === '..') {
      throw new InvalidArgumentError(`container path ${JSON.stringify(container)} has a "${seg}" segment`, {
        hint: 'Name the folder by its full path from the root, e.g. /home/Project, without . or .. segments.',
      });
    }
    if (seg.length > 0) out += '/' + encodeURIComponent(seg);
  }
  return out;
}

/** `{base}{/container}/{controller}-{action}.api` (LabKey's new-style, container-relative URL). */
export function actionUrl(base: string, container: string | undefined, controller: string, action: string): string {
  return `${base}${encodeContainerPath(container)}/${encodeURIComponent(controller)}-${encodeURIComponent(action)}.api`;
}

/** Form-encodes parameters the way LabKey binds them: one pair per array element. */
export function encodeParams(params: Record<string, ParamValue> | undefined): string {
  if (!params) return '';
  let out = '';
  for (const name in params) {
    const v = params[name];
    if (v === undefined || v === null) continue;
    const k = encodeURIComponent(name);
    if (Array.isArray(v)) {
      for (const item of v) out += (out ? '&' : '') + k + '=' + encodeURIComponent(String(item));
    } else {
      out += (out ? '&' : '') + k + '=' + encodeURIComponent(String(v));
    }
  }
  return out;
}
