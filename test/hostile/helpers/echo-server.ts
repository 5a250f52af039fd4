/**
 * A hostile server (node:http): every request is answered with the status `respond` picks, and
 * the body reflects the request (headers, URL, body) the way a debugging proxy or a careless
 * server does: as LabKey's JSON `exception`, as `errors`, as an HTML page or as plain text.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EchoShape = 'json' | 'errors' | 'html' | 'text';

export interface EchoServer {
  url: string;
  /** Status and body shape for the next requests. */
  set(status: number, shape: EchoShape): void;
  close(): Promise<void>;
}

function reflect(req: IncomingMessage, body: string): string {
  return `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`;
}

export async function startEchoServer(): Promise<EchoServer> {
  let status = 400;
  let shape: EchoShape = 'json';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const text = reflect(req, body);
      if (shape === 'json' || shape === 'errors') {
        res.writeHead(status, { 'content-type': 'application/json' });
        const payload =
          shape === 'json'
            ? { success: false, exception: `Request rejected: ${text}`, exceptionClass: `Echo ${req.headers['apikey'] ?? ''}` }
            : { success: false, exception: text, errors: [{ field: 'Name', message: text, id: text }] };
        res.end(JSON.stringify(payload));
      } else if (shape === 'html') {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>Error</h1><pre>${text}</pre></body></html>`);
      } else {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(text);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set(s, sh) {
      status = s;
      shape = sh;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
