/**
 * A response body read as it arrives (a streamed 2xx answer, `SendOptions.stream`), with
 * backpressure: past {@link HIGH_WATER} bytes (256 KiB) waiting to be read, undici's dispatch controller is
 * paused (the socket is not read, so the server's writes block), and resumed once the reader has
 * taken them below {@link LOW_WATER}. undici's body timeout (silence) keeps running while the
 * body flows and stops while it is paused for a slow reader.
 */
import type { Dispatcher } from 'undici';

/** Bytes held unread before the socket is paused. */
export const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

export class BodyStream {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: unknown;
  private failed = false;
  private waiter: (() => void) | undefined;
  private controller: Dispatcher.DispatchController | undefined;

  /** `toError` turns what undici reports mid-body into the SDK's error (a LabKeyError passes as it is). */
  constructor(
    controller: Dispatcher.DispatchController,
    private readonly toError: (e: unknown) => unknown,
  ) {
    this.controller = controller;
  }

  /** Whether the body ended or failed. */
  get done(): boolean {
    return this.ended || this.failed;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    const c = this.controller;
    if (this.queued >= HIGH_WATER && c && !c.paused && !c.aborted) c.pause();
    this.wake();
  }

  end(): void {
    if (this.done) return;
    this.ended = true;
    this.controller = undefined;
    this.wake();
  }

  fail(e: unknown): void {
    if (this.done) return;
    this.failed = true;
    this.failure = e;
    this.controller = undefined;
    this.wake();
  }

  /** The next chunk, or null at the end; throws the body's failure (after the chunks before it). */
  async read(): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.queued -= chunk.length;
        const c = this.controller;
        if (c && c.paused && this.queued < LOW_WATER) c.resume();
        return chunk;
      }
      if (this.failed) throw this.toError(this.failure);
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Stops reading: the request is aborted (its connection closed) and `reason` is what read() throws. */
  cancel(reason: unknown): void {
    const c = this.controller;
    this.queue = [];
    this.queued = 0;
    if (!this.done) this.fail(reason);
    this.failure = reason;
    if (c && !c.aborted) c.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
