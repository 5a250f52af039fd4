import type { IncomingMessage, ServerResponse } from 'node:http';
import { FilterError } from './errors.js';
import { isLargeBody, jsonPieces, jsonText } from './json-body.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A request body over the limit: 413. */
export class BodyTooLargeError extends FilterError {
  constructor(limit: number) {
    super(413, `request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Most bytes of request bodies held at once, all requests together; past it a request gets 503. */
export const MAX_BODIES_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

/** The request bodies a server is receiving at once: each body's bytes count until it is read whole (or refused). */
export class BodyBudget {
  private held = 0;
  constructor(readonly limit = MAX_BODIES_IN_FLIGHT_BYTES) {}
  get inFlight(): number {
    return this.held;
  }
  /** Takes `n` bytes; false when that would pass the limit. */
  take(n: number): boolean {
    if (this.held + n > this.limit) return false;
    this.held += n;
    return true;
  }
  give(n: number): void {
    this.held -= n;
  }
}

/** Too many request bodies at once: 503, try again. */
export class BodiesInFlightError extends FilterError {
  constructor(limit: number) {
    super(503, `the server holds ${limit} bytes of request bodies already; try again`);
    this.name = 'BodiesInFlightError';
  }
}

/**
 * The request body, at most `limit` bytes (413 past it, as soon as Content-Length says so); with a
 * `budget`, every chunk is counted against the server's total being received (503 past it).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, budget?: BodyBudget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const refuse = (e: Error): void => {
      reject(e);
      req.resume();
    };
    if (Number.isFinite(declared) && declared > limit) return refuse(new BodyTooLargeError(limit));
    if (budget && Number.isFinite(declared) && budget.inFlight + declared > budget.limit) return refuse(new BodiesInFlightError(budget.limit));
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let settled = false;
    const settle = (): void => {
      settled = true;
      budget?.give(held);
      held = 0;
      chunks.length = 0;
    };
    req.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > limit) {
        settle();
        return refuse(new BodyTooLargeError(limit));
      }
      if (budget) {
        if (!budget.take(c.length)) {
          settle();
          return refuse(new BodiesInFlightError(budget.limit));
        }
        held += c.length;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (settled) return;
      const body = Buffer.concat(chunks);
      settle();
      resolve(body);
    });
    req.on('error', (e) => {
      if (!settled) settle();
      reject(e);
    });
    req.on('close', () => {
      if (!settled) {
        settle();
        reject(new Error('request closed before its body was complete'));
      }
    });
  });
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** `X-Requested-With: XMLHttpRequest`, or a User-Agent starting `Mozilla/` or `Opera/` (HttpUtil.isBrowser). */
export function isBrowserLike(req: IncomingMessage): boolean {
  const xrw = req.headers['x-requested-with'];
  if (typeof xrw === 'string' && xrw.toLowerCase() === 'xmlhttprequest') return true;
  const ua = req.headers['user-agent'] ?? '';
  return ua.startsWith('Mozilla/') || ua.startsWith('Opera/');
}

export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A JSON answer: pretty-printed, as LabKey writes it, unless `compact` (respFormat=json_compact).
 * A body with a large lazy array (json-body.ts: selectRows and executeSql rows) is streamed in
 * pieces, chunked, waiting for the client to take each one; any other goes out in one write.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}, compact = false): void {
  if (isLargeBody(body)) {
    streamJson(res, status, body, headers, compact).catch((e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))));
    return;
  }
  sendText(res, status, JSON_CONTENT_TYPE, compact ? JSON.stringify(body) : jsonText(body, false), headers);
}

async function streamJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]>, compact: boolean): Promise<void> {
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  for (const piece of jsonPieces(body, compact)) {
    if (res.destroyed) return;
    if (!res.write(piece)) await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  if (!res.destroyed) res.end();
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string | string[]> = {}): void {
  const buf = Buffer.from(text, 'utf8');
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', buf.length);
  res.end(buf);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '127.0.0.1' || address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1' || address.startsWith('::ffff:127.');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
