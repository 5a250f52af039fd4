import { InvalidArgumentError } from '../errors/credential-errors.js';

/** A parameter value as LabKey binds it; arrays repeat the name, `undefined`/`null` are left out. @public */
export type ParamValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/**
 * Normalises a base URL: scheme, host, port and context path, no trailing slash, no query, no
 * fragment. Userinfo in the URL is refused (it would end up in logs); use a credential source.
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new InvalidArgumentError(`Not a URL: ${JSON.stringify(String(baseUrl).replace(/\/\/[^@/]*@/, '//'))}`, {
      hint: 'Pass the server as scheme, host and context path, e.g. https://lk.example.org/labkey',
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidArgumentError(`Unsupported URL scheme ${u.protocol} (use http: or https:)`);
  }
  if (u.username || u.password) {
    throw new InvalidArgumentError('The server URL must not contain a user name or password.', {
      hint: 'Remove `user:pass@` from the URL and store the key with `lk auth login`.',
    });
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
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
