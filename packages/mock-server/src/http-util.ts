import type { IncomingMessage, ServerResponse } from 'node:http';
import { FilterError } from './errors.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A request body over the limit: 413. */
export class BodyTooLargeError extends FilterError {
  constructor(limit: number) {
    super(413, `request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLargeError(limit));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
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

/** A JSON answer: pretty-printed, as LabKey writes it, unless `compact` (respFormat=json_compact). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}, compact = false): void {
  sendText(res, status, JSON_CONTENT_TYPE, compact ? JSON.stringify(body) : JSON.stringify(body, null, 2), headers);
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
