/**
 * A hostile LabKey for exports (node:http on an ephemeral port): every query-selectRows request is
 * answered by the test's `answer(offset, maxRows)`, a JSON body as text or a hand-made response
 * (an HTML page, a 500, a body cut short, one never sent). Each request's offset and maxRows is
 * kept, so a test can say which pages lk asked for.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageRequest {
  offset: number;
  maxRows: number;
}

/** A body (200, application/json), or a function that answers `res` itself (or never). */
export type PageAnswer = string | ((res: ServerResponse) => void);

export interface PagesServer {
  url: string;
  requests: PageRequest[];
  answer: (page: PageRequest) => PageAnswer;
  close(): Promise<void>;
}

/** A field of the server's metadata. */
export const field = (name: string, jsonType: string, extra: Record<string, unknown> = {}) => ({ name, fieldKey: name, jsonType, ...extra });

/** A selectRows answer: `fields` as the metadata (none when undefined), `rows`, and `rowCount` (the rows' count unless given). */
export function page(fields: object[] | undefined, rows: object[], rowCount?: number): string {
  return JSON.stringify({ schemaName: 'lists', queryName: 'T', ...(fields ? { metaData: { fields } } : {}), rowCount: rowCount ?? rows.length, rows });
}

export async function startPagesServer(): Promise<PagesServer> {
  const s: PagesServer = {
    url: '',
    requests: [],
    answer: () => page([], []),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (!u.pathname.endsWith('query-selectRows.api')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false,"exception":"Not found"}');
        return;
      }
      const p = { offset: Number(u.searchParams.get('query.offset') ?? 0), maxRows: Number(u.searchParams.get('query.maxRows') ?? -1) };
      s.requests.push(p);
      const a = s.answer(p);
      if (typeof a === 'string') res.writeHead(200, { 'content-type': 'application/json' }).end(a);
      else a(res);
    });
  });
  server.on('clientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return s;
}
