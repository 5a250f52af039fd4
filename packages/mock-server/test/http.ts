// A tiny HTTP helper for the mock-server tests: plain undici requests, a cookie jar per client.
import { request, type Dispatcher } from 'undici';

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body (undefined when not JSON). */
  body: any;
  setCookies: string[];
}

export interface ReqOpts {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** Send the CSRF header from the jar's X-LABKEY-CSRF cookie. */
  csrf?: boolean;
  /** Skip the cookie jar for this request. */
  noCookies?: boolean;
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/** A client bound to a base URL (the server's url, with context path), keeping cookies like a browser. */
export class Client {
  readonly jar = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly defaults: Record<string, string> = {},
  ) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async req(path: string, o: ReqOpts = {}): Promise<Res> {
    const headers: Record<string, string> = { ...this.defaults, ...(o.headers ?? {}) };
    let body: string | undefined;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    } else if (o.form) {
      body = new URLSearchParams(o.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (!o.noCookies && this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (o.csrf) {
      const t = this.jar.get('X-LABKEY-CSRF');
      if (t) headers['X-LABKEY-CSRF'] = t;
    }
    const method = (o.method ?? (body !== undefined ? 'POST' : 'GET')) as Dispatcher.HttpMethod;
    const r = await request(this.base + path, { method, headers, body });
    const text = await r.body.text();
    const sc = r.headers['set-cookie'];
    const setCookies = sc === undefined ? [] : Array.isArray(sc) ? sc : [sc];
    if (!o.noCookies) {
      for (const c of setCookies) {
        const [pair, ...attrs] = c.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        if (attrs.some((a) => /max-age=0/i.test(a)) || value === '') this.jar.delete(name);
        else this.jar.set(name, value);
      }
    }
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: r.statusCode, headers: r.headers, text, body: parsed, setCookies };
  }

  /** GET whoAmI so the jar holds the CSRF cookie; returns the token. */
  async primeCsrf(): Promise<string> {
    const r = await this.req('/login-whoAmI.api');
    return r.body.CSRF as string;
  }
}

/** The 401 for a bad, expired or revoked API key from LabKey 25.7 on (the mock's default generation is newer). */
export const BAD_API_KEY = { success: false, exception: 'The API key you provided is invalid.' };
export const BAD_CREDENTIALS = { success: false, exception: 'The email address and password you entered did not match any accounts on file.' };
export const LOGIN_REQUIRED = { success: false, exception: 'You must log in to view this content.' };
export const NO_PERMISSION = { success: false, exception: 'User does not have permission to perform this operation.' };
export const CSRF_FAILURE = {
  success: false,
  exception:
    "This request has an invalid security context. You may have signed in or signed out of this session. Try again by using the 'back' and 'refresh' button in your browser.",
};
export const DAY = 86_400_000;
