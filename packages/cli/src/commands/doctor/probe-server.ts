/**
 * Anonymous probes of `login-whoAmI.api`, to tell "server down" from "wrong context path".
 *
 * No credential is sent here (so nothing secret can leak from this file): whoAmI answers guests
 * with JSON (protocol notes §3.1), so a JSON answer means the base URL is right. An HTML page (a
 * 404 page, a login page or a redirect to one) means the path before `login-whoAmI.api` is not
 * the server's context path. Deployments use `/labkey` (traditional) or the root context
 * (embedded Tomcat, 24.x and later), so the probe tries the URL as given, then the other one.
 */
export type ProbeOutcome =
  | { kind: 'ok'; url: string }
  /** Answered, but not with whoAmI JSON: the HTTP status and what came back. */
  | { kind: 'not-labkey'; url: string; status: number; what: string }
  | { kind: 'unreachable'; url: string; reason: string };

export interface ContextPathReport {
  /** The base URL as configured. */
  base: string;
  given: ProbeOutcome;
  /** When the given base failed with an answer: the alternative base that works, if any. */
  alternative?: { base: string; outcome: ProbeOutcome };
}

const TIMEOUT_MS = 5000;

export async function probeWhoAmI(base: string, timeoutMs = TIMEOUT_MS): Promise<ProbeOutcome> {
  const url = `${base}/login-whoAmI.api`;
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json', 'user-agent': 'lk-doctor' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    return { kind: 'unreachable', url, reason: networkReason(e, timeoutMs) };
  }
  const type = res.headers.get('content-type') ?? '';
  let body = '';
  try {
    body = await res.text();
  } catch {
    // a body cut short says the same as no body
  }
  if (res.status === 200 && /json/i.test(type)) {
    try {
      const j = JSON.parse(body) as { id?: unknown; email?: unknown };
      if (typeof j.id === 'number' || typeof j.email === 'string') return { kind: 'ok', url };
    } catch {
      // fall through: JSON content type with a body that is not JSON
    }
    return { kind: 'not-labkey', url, status: res.status, what: 'a JSON body that is not a whoAmI answer' };
  }
  if (res.status === 401 && /json/i.test(type)) {
    // A 401 JSON is LabKey refusing something (e.g. a server that asks every guest to log in): the path is right.
    return { kind: 'ok', url };
  }
  if (res.status >= 300 && res.status < 400) {
    const loc = res.headers.get('location') ?? '';
    const toLogin = /login/i.test(loc);
    return { kind: 'not-labkey', url, status: res.status, what: toLogin ? 'a redirect to a login page' : 'a redirect' };
  }
  const html = /html/i.test(type) || /^\s*<(!doctype|html)/i.test(body);
  if (!html && /json/i.test(type)) {
    // LabKey's own JSON 404 ("No such project: /labkey", "No LabKey Server action at …"): the path
    // before login-whoAmI.api is not this server's context path.
    let exception = '';
    try {
      const j = JSON.parse(body) as { exception?: unknown };
      if (typeof j.exception === 'string') exception = j.exception.slice(0, 120);
    } catch {
      // not JSON after all
    }
    return { kind: 'not-labkey', url, status: res.status, what: exception ? `a ${res.status} error ("${exception}")` : `a JSON ${res.status} error` };
  }
  const login = html && /login|sign in/i.test(body);
  const what = html ? (login ? 'an HTML login page' : `an HTML ${res.status === 404 ? '404 page' : 'page'}`) : `a ${type || 'body without content type'}`;
  return { kind: 'not-labkey', url, status: res.status, what };
}

function networkReason(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens on that port)';
  if (code === 'ENOTFOUND') return 'host name not found';
  if (code) return code;
  return err?.cause?.message ?? err?.message ?? 'network error';
}

/** The other usual context path for `base`: without `/labkey` if it has it, else with it. */
export function alternativeBase(base: string): string {
  const u = new URL(base);
  const path = u.pathname.replace(/\/+$/, '');
  if (path.toLowerCase().endsWith('/labkey')) return `${u.origin}${path.slice(0, -'/labkey'.length)}`;
  return `${u.origin}${path}/labkey`;
}

export async function probeContextPath(base: string, timeoutMs = TIMEOUT_MS): Promise<ContextPathReport> {
  const given = await probeWhoAmI(base, timeoutMs);
  if (given.kind !== 'not-labkey') return { base, given };
  const alt = alternativeBase(base);
  const outcome = await probeWhoAmI(alt, timeoutMs);
  return { base, given, alternative: { base: alt, outcome } };
}
