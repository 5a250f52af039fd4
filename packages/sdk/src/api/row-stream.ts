/**
 * A selectRows/executeSql answer read in ONE request, as LabKey's own clients read a whole result
 * (maxRows -1, showRows=all), its body cut into pages as it arrives ({@link RowsCutter}) instead of
 * one request per page. Real LabKey pages with LIMIT/OFFSET and does its per-request work (query
 * compile, permissions, metadata) for each page, so 200 pages of 5,000 rows cost several times one
 * query; one streamed answer costs one.
 *
 * Timeouts for a long healthy stream: the client's total timeout covers the request until the
 * answer's headers (redirects and retries included, as for any request), and then each page
 * afresh: from the moment the caller asks for the next page until that page is cut. A healthy
 * 10-minute export is never cut off, a server that trickles a page slower than the total timeout
 * is, and the time the caller spends on a page (writing it) is not counted. undici's body timeout
 * (silence) ends a server that stalls mid-stream, and stops while the stream is paused for a slow
 * caller. `maxResponseBytes` caps one page, not the stream.
 */
import type { RedactedRequest } from '../errors/labkey-error.js';
import { AbortedError, BadResponseError, ResponseTooLargeError, ServerError, TimeoutError, type HttpError } from '../errors/http-error.js';
import { isLabKeyError } from '../errors/guards.js';
import { parseJsonObject, shownUrl } from '../errors/to-labkey-error.js';
import type { BodyStream } from '../transport/body-stream.js';
import { rawResponse, type RawResponse } from '../transport/transport.js';
import { CutError, RowsCutter, type CutPage } from './rows-cutter.js';

/** How a streamed answer is cut (set by the raw pagers' `oneRequest`). */
export interface StreamRowsOptions {
  /** Most rows per page. */
  pageSize: number;
}

/** What reading a streamed answer needs to know of its request. */
export interface StreamContext {
  request: RedactedRequest;
  /** The answer's body turned into the SDK's error for it (the server's text scrubbed of the key). */
  explain: (body: string) => Promise<HttpError>;
  maxPageBytes: number;
  /** The total timeout, re-armed per page (ms). */
  pageTimeoutMs: number;
  /** The caller's signal: aborting it stops the stream (AbortedError). */
  signal?: AbortSignal | undefined;
}

/** A 2xx answer whose rows array has begun: its pages are read with {@link StreamedRows.next}. */
export class StreamedRows {
  private pending: CutPage[] = [];
  private finished = false;

  constructor(
    private readonly res: RawResponse,
    private readonly body: BodyStream,
    private readonly cutter: RowsCutter,
    first: CutPage[],
    private readonly ctx: StreamContext,
  ) {
    this.pending = first;
    const signal = ctx.signal;
    if (signal) {
      const onAbort = (): void => this.close(this.aborted(signal.reason));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
    }
  }

  private unlisten: (() => void) | undefined;

  private aborted(reason: unknown): AbortedError {
    const problem = `was aborted after ${this.cutter.rows} rows`;
    return new AbortedError(`${this.what()} ${problem}`, { request: this.ctx.request, problem, hint: 'The caller cancelled the request.', cause: reason });
  }

  /**
   * The error for a cut page that is not the JSON of a success (the rows, or the answer's end, not
   * valid JSON; or an end that says the query failed); the stream is closed.
   */
  async badPage(page: CutPage, before: number): Promise<unknown> {
    this.close();
    const text = page.body.toString('utf8');
    const json = parseJsonObject(text);
    if (json && typeof json.exception === 'string') {
      const said = await this.ctx.explain(text);
      return serverFailed(this.ctx, this.res, before + page.count, said);
    }
    const problem = page.last
      ? `the server's answer ended after ${before + page.count} rows, but its end is not valid JSON, so the result is incomplete`
      : `rows ${before + 1} to ${before + page.count} of the server's answer are not valid JSON`;
    return new BadResponseError(`${this.what()}: ${problem}`, {
      request: this.ctx.request,
      problem,
      status: this.res.status,
      hint: 'A proxy or the server sent something other than LabKey JSON; try again, and run `lk doctor` if it persists.',
    });
  }

  /** The next page, or undefined after the last. Throws the SDK's typed errors. */
  async next(): Promise<CutPage | undefined> {
    const ready = this.pending.shift();
    if (ready || this.finished) return ready;
    const ms = this.ctx.pageTimeoutMs;
    const timer = setTimeout(() => this.body.cancel(this.pageTimeout(ms)), ms);
    try {
      while (this.pending.length === 0 && !this.finished) {
        let chunk: Buffer | null;
        try {
          chunk = await this.body.read();
        } catch (e) {
          throw this.bodyError(e);
        }
        if (chunk === null) {
          this.finished = true;
          this.pending.push(...(await this.cut(() => this.cutter.end())));
        } else {
          this.pending.push(...(await this.cut(() => this.cutter.push(chunk as Buffer))));
        }
      }
    } finally {
      clearTimeout(timer);
    }
    return this.pending.shift();
  }

  /** Stops reading (the caller is done early, or failed): the request is aborted. */
  close(reason?: unknown): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.finished = true;
    this.pending = [];
    if (!this.body.done) this.body.cancel(reason ?? new DOMException('This operation was aborted', 'AbortError'));
  }

  private async cut(f: () => CutPage[]): Promise<CutPage[]> {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof CutError)) throw e;
      this.close(e);
      throw await cutError(e, this.res, this.ctx);
    }
  }

  private what(): string {
    return `${this.ctx.request.method} ${shownUrl(this.ctx.request.url)}`;
  }

  private pageTimeout(ms: number): TimeoutError {
    const problem = `the next ${this.cutter.rows === 0 ? 'rows' : `rows after row ${this.cutter.rows}`} did not arrive within ${ms} ms`;
    return new TimeoutError(`${this.what()}: ${problem}`, {
      request: this.ctx.request,
      problem,
      status: this.res.status,
      phase: 'total',
      timeoutMs: ms,
      hint: 'The server sends the result too slowly (a page at a time must arrive within the total timeout). Raise it with `timeouts: { total }` (lk: --timeout SECONDS or LK_TIMEOUT).',
    });
  }

  /** A body that broke off mid-stream says how many rows came before it. */
  private bodyError(e: unknown): unknown {
    if (isLabKeyError(e) && e.code === 'LK_BAD_RESPONSE' && !(e instanceof ResponseTooLargeError)) {
      const problem = `the server's answer broke off after ${this.cutter.rows} rows, before the result was complete (${(e as HttpError).problem})`;
      return new BadResponseError(`${this.what()}: ${problem}`, {
        request: this.ctx.request,
        problem,
        status: this.res.status,
        hint: 'The connection closed mid-answer (a proxy that cuts long responses, or a server crash); try again, or page with --page-size (lk) / without oneRequest (SDK).',
        cause: e,
      });
    }
    return e;
  }
}

/**
 * Reads the start of a streamed 2xx answer: a {@link StreamedRows} once its top-level `rows`
 * array has begun; else (no rows array: an error object, HTML, a metadata-only answer) the whole
 * answer read into `bytes` (at most `maxResponseBytes`), for the usual checks.
 */
export async function openRows(res: RawResponse, o: StreamRowsOptions, ctx: StreamContext): Promise<StreamedRows | RawResponse> {
  const body = res.stream as BodyStream;
  const cutter = new RowsCutter({ pageSize: o.pageSize, maxPageBytes: ctx.maxPageBytes });
  let first: CutPage[] = [];
  // The caller's signal while the start is read (StreamedRows listens from then on).
  const signal = ctx.signal;
  const onAbort = (): void => {
    const problem = 'was aborted before its rows began';
    body.cancel(new AbortedError(`${ctx.request.method} ${shownUrl(ctx.request.url)} ${problem}`, { request: ctx.request, problem, hint: 'The caller cancelled the request.', cause: signal?.reason }));
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await readStart(res, body, cutter, ctx, first);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readStart(res: RawResponse, body: BodyStream, cutter: RowsCutter, ctx: StreamContext, first: CutPage[]): Promise<StreamedRows | RawResponse> {
  for (;;) {
    const chunk = await body.read();
    try {
      if (chunk === null) {
        cutter.end();
        break;
      }
      first = cutter.push(chunk);
    } catch (e) {
      if (!(e instanceof CutError)) throw e;
      if (e.problem.kind === 'not-rows') return readWhole(res, body, cutter.heldBody(), ctx);
      body.cancel(e);
      throw await cutError(e, res, ctx);
    }
    if (cutter.started) return new StreamedRows(res, body, cutter, first, ctx);
  }
  return readWhole(res, body, cutter.heldBody(), ctx);
}

/** The rest of an answer that has no rows array, read whole as the transport would have. */
async function readWhole(res: RawResponse, body: BodyStream, start: Buffer, ctx: StreamContext): Promise<RawResponse> {
  const chunks = [start];
  let n = start.length;
  for (;;) {
    if (n > ctx.maxPageBytes) {
      body.cancel(new Error('too large'));
      throw tooLarge(res, ctx, 'the response is');
    }
    const chunk = await body.read();
    if (chunk === null) break;
    chunks.push(chunk);
    n += chunk.length;
  }
  return rawResponse({ status: res.status, headers: res.headers, url: res.url, credentialsSent: res.credentialsSent, redirects: res.redirects }, Buffer.concat(chunks, n));
}

function tooLarge(res: RawResponse, ctx: StreamContext, what: string): ResponseTooLargeError {
  const max = ctx.maxPageBytes;
  const problem = `${what} larger than ${max} bytes (maxResponseBytes)`;
  return new ResponseTooLargeError(`${ctx.request.method} ${shownUrl(ctx.request.url)}: ${problem}`, {
    request: ctx.request,
    problem,
    status: res.status,
    limitBytes: max,
    hint: 'Ask for fewer columns, or raise the cap with the client option `maxResponseBytes` (it caps one page of a streamed answer).',
  });
}

/** The server's own error object after `rows` rows (mid-stream, or in the answer's end). */
function serverFailed(ctx: StreamContext, res: RawResponse, rows: number, said: HttpError): ServerError {
  const what = `${ctx.request.method} ${shownUrl(ctx.request.url)}`;
  const problem = `the server failed after sending ${rows} rows${said.exceptionClass ? ` (${said.exceptionClass})` : ''}: ${said.serverException ?? 'no message'}`;
  return new ServerError(`${what}: ${problem}`, {
    request: ctx.request,
    problem,
    status: res.status,
    ...(said.serverException !== undefined ? { serverException: said.serverException } : {}),
    ...(said.exceptionClass !== undefined ? { exceptionClass: said.exceptionClass } : {}),
    hint: 'The server reported an error part-way through the result; the message above is its own. The rows before it are not a complete result.',
  });
}

/** A {@link CutError} in the words of the SDK's errors. */
async function cutError(e: CutError, res: RawResponse, ctx: StreamContext): Promise<unknown> {
  const p = e.problem;
  const what = `${ctx.request.method} ${shownUrl(ctx.request.url)}`;
  if (p.kind === 'not-rows') return e;
  if (p.kind === 'too-large') {
    return tooLarge(res, ctx, p.where === 'start' ? "the answer's start (before its rows) is" : p.where === 'end' ? "the answer's end (after its rows) is" : `row ${p.rows + 1} of the answer is`);
  }
  // LabKey that fails while writing rows (its response already committed) writes its error
  // object where the next row would go (ApiResponseWriter.write → writeAndClose).
  const rest = p.rest.toString('utf8');
  const json = parseJsonObject(rest);
  if (json && typeof json.exception === 'string') {
    return serverFailed(ctx, res, p.rows, await ctx.explain(rest));
  }
  const problem =
    p.kind === 'cut'
      ? `the server's answer ended after ${p.rows} rows, before the result was complete`
      : `the server's answer is not valid JSON after row ${p.rows} (neither "," nor "]" follows it), so the result is incomplete`;
  return new BadResponseError(`${what}: ${problem}`, {
    request: ctx.request,
    problem,
    status: res.status,
    hint: 'A proxy or the server cut the answer short; try again, and run `lk doctor` if it persists.',
  });
}
