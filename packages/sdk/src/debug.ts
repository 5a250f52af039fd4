import { debuglog, format } from 'node:util';

/**
 * The SDK's debug log, enabled with `NODE_DEBUG=lk` (`NODE_DEBUG=labkey` works too), as undici
 * does with `NODE_DEBUG=undici`.
 *
 * Lines name the sources tried and the variable names seen, never a value:
 * `credentials:env => found LABKEY_API_KEY, LABKEY_SERVER`. Callers pass only names, ids,
 * fingerprints and reasons; there is no API here that takes a Secret.
 */

/** A sink for debug lines. Lines never contain a key, a cookie value or a CSRF token. */
export type DebugSink = (line: string) => void;

// util.debuglog reads NODE_DEBUG once per process, so a test cannot switch it on late; tests set a
// sink instead, which receives every line whether or not NODE_DEBUG is set.
let sink: DebugSink | undefined;
const lk = debuglog('lk');
const labkey = debuglog('labkey');

/**
 * Sends every debug line to `fn` (tests), or back to `util.debuglog` when called with `undefined`.
 * Returns the previous sink so a test can restore it.
 */
export function setDebugSink(fn: DebugSink | undefined): DebugSink | undefined {
  const previous = sink;
  sink = fn;
  return previous;
}

/** True when a line would go anywhere (lets callers skip building expensive messages). */
export function debugEnabled(): boolean {
  return sink !== undefined || lk.enabled || labkey.enabled;
}

/** Logs `<topic> => <message>`; `args` are `util.format` substitutions (names, never values). */
export function debug(topic: string, message: string, ...args: unknown[]): void {
  if (sink) {
    sink(`${topic} => ${format(message, ...args)}`);
    return;
  }
  if (lk.enabled) lk(`${topic} => ${message}`, ...args);
  else if (labkey.enabled) labkey(`${topic} => ${message}`, ...args);
}

/**
 * Logs `<topic> => <message>` to `to` when given (the sink a client was created with, reaching the
 * credential sources through their ResolveContext), else to the process-wide log above.
 */
export function debugTo(to: DebugSink | undefined, topic: string, message: string, ...args: unknown[]): void {
  if (to) to(`${topic} => ${format(message, ...args)}`);
  else debug(topic, message, ...args);
}
