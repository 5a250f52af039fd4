// The `/_mock/` control endpoint, for tests that drive the program from outside (`--control`).
// Off by default. Not part of LabKey's API. A request is refused (403) unless it comes from a
// loopback client, names in Host the loopback address and port the server listens on (or
// localhost: a DNS-rebound name is refused), and is not a cross-origin browser request (Origin
// of another host, Sec-Fetch-Site other than same-origin/none); a body must be
// `application/json` (415), which a cross-site form or simple fetch cannot send.
//
//   GET  /_mock/state                 {now, settings, users, keys, sessions}
//   POST /_mock/clock                 {advanceMs | advanceSeconds | advanceDays | set: ISO date} → {now}
//   POST /_mock/settings              Partial<SiteSettings> → {settings}
//   POST /_mock/keys                  {email, description?, expirationSeconds?} → {key, rowId}
//                                     {email, rawKey, description?, expiresAt?} → {rowId}  (seed as given)
//   POST /_mock/keys/revoke           {rowId} → {revoked}
//   POST /_mock/users                 {email, password, displayName?, siteAdmin?} → {id}
//   POST /_mock/users/active          {email, active: false | true} → {email, active}  (deactivate)
//   GET  /_mock/requests              the request log
import type { IncomingMessage, ServerResponse } from 'node:http';
import { filterErrorBody } from './errors.js';
import { isLoopback, readBody, sendJson } from './http-util.js';
import type { MockLabKey } from './server.js';

function fail(res: ServerResponse, status: number, message: string): number {
  sendJson(res, status, filterErrorBody(message), {}, true);
  return status;
}

/** The Host values a request to this socket may carry: its own loopback address and port, or localhost. */
function allowedHosts(req: IncomingMessage): Set<string> {
  const addr = req.socket.localAddress ?? '';
  const port = req.socket.localPort;
  const plain = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  const literal = plain.includes(':') ? `[${plain}]` : plain;
  return new Set([`${literal}:${port}`, `localhost:${port}`]);
}

/** Why a request is not one from a local program (a browser page, a rebound name); undefined when it is. */
export function foreignRequest(req: IncomingMessage): string | undefined {
  const hosts = allowedHosts(req);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `The /_mock/ control endpoint only answers requests for ${[...hosts][0]} (Host was ${JSON.stringify(host)}).`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'The /_mock/ control endpoint refuses cross-origin requests.';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'The /_mock/ control endpoint refuses cross-site requests.';
  return undefined;
}

export async function handleControl(server: MockLabKey, req: IncomingMessage, res: ServerResponse, sub: string): Promise<number> {
  if (!isLoopback(req.socket.remoteAddress)) return fail(res, 403, 'The /_mock/ control endpoint only answers loopback clients.');
  const foreign = foreignRequest(req);
  if (foreign) return fail(res, 403, foreign);
  const method = (req.method ?? 'GET').toUpperCase();
  let body: Record<string, unknown> = {};
  if (method !== 'GET' && method !== 'HEAD') {
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return fail(res, 415, 'The /_mock/ control endpoint takes a JSON body: send Content-Type: application/json.');
    const raw = (await readBody(req, 1024 * 1024)).toString('utf8').trim();
    if (raw) {
      try {
        const v = JSON.parse(raw);
        if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(res, 400, 'The body must be a JSON object.');
        body = v as Record<string, unknown>;
      } catch (e) {
        return fail(res, 400, `Malformed JSON body: ${(e as Error).message}`);
      }
    }
  }
  const { state, clock } = server;
  const ok = (b: unknown) => {
    // Control answers hold keys (POST keys) and the whole state: never cached.
    sendJson(res, 200, b, { 'Cache-Control': 'no-store' }, true);
    return 200;
  };
  const route = `${method} ${sub.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET state':
        return ok({
          now: clock.now().toISOString(),
          settings: state.settings,
          users: state.allUsers().map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, siteAdmin: u.siteAdmin, active: u.active })),
          labkeyVersion: state.labkeyVersion,
          keys: state.listApiKeys(),
          sessions: state.sessionCount(),
        });
      case 'GET requests':
        return ok(server.requests);
      case 'POST clock': {
        if (typeof body.set === 'string') {
          const d = new Date(body.set);
          if (Number.isNaN(d.getTime())) return fail(res, 400, `Not a date: ${body.set}`);
          clock.set(d);
        }
        const ms =
          (typeof body.advanceMs === 'number' ? body.advanceMs : 0) +
          (typeof body.advanceSeconds === 'number' ? body.advanceSeconds * 1000 : 0) +
          (typeof body.advanceDays === 'number' ? body.advanceDays * 86400000 : 0);
        if (ms) clock.advance(ms);
        return ok({ now: clock.now().toISOString() });
      }
      case 'POST settings':
        state.updateSettings(body as never);
        return ok({ settings: state.settings });
      case 'POST keys': {
        if (typeof body.email !== 'string') return fail(res, 400, 'email is required');
        if (typeof body.rawKey === 'string') {
          const expiresAt = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : null;
          return ok(state.seedApiKey(body.email, body.rawKey, { ...(typeof body.description === 'string' ? { description: body.description } : {}), expiresAt }));
        }
        return ok(
          state.issueApiKey(body.email, {
            ...(typeof body.description === 'string' ? { description: body.description } : {}),
            ...(typeof body.expirationSeconds === 'number' ? { expirationSeconds: body.expirationSeconds } : {}),
          }),
        );
      }
      case 'POST keys/revoke':
        return ok({ revoked: state.revokeApiKey(Number(body.rowId)) });
      case 'POST users': {
        if (typeof body.email !== 'string' || typeof body.password !== 'string') return fail(res, 400, 'email and password are required');
        return ok(
          state.addUser({
            email: body.email,
            password: body.password,
            ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
            siteAdmin: body.siteAdmin === true,
          }),
        );
      }
      case 'POST users/active': {
        if (typeof body.email !== 'string' || typeof body.active !== 'boolean') return fail(res, 400, 'email and active (true or false) are required');
        state.setUserActive(body.email, body.active);
        return ok({ email: body.email, active: body.active });
      }
      default:
        return fail(res, 404, `No control route ${route}`);
    }
  } catch (e) {
    return fail(res, 400, e instanceof Error ? e.message : String(e));
  } finally {
    server.afterRequest?.();
  }
}
