/**
 * JSON answers with one big array (selectRows and executeSql rows), written in pieces.
 *
 * A body given such an array by {@link lazyArray} reads like any object: the property is a getter
 * that builds the whole array once (for tests and in-process callers). {@link jsonPieces} writes
 * it `CHUNK` items at a time instead, so a 1,000,000-row answer is never one string in memory and
 * its first bytes can leave while later rows are still being built (chunked transfer, as Tomcat
 * sends a large LabKey answer). The bytes are those of `JSON.stringify(body)` (compact) or
 * `JSON.stringify(body, null, 2)` (LabKey's default, pretty-printed).
 * @module
 */
import { randomUUID } from 'node:crypto';

/** Items built and serialised at once. */
export const CHUNK = 1000;
/**
 * Arrays longer than this are streamed, a chunk at a time. Also a client's page of a few thousand
 * rows: as one string it was a large-object allocation plus a Buffer copy of it per answer, and
 * the garbage collections they brought cost the mock more than writing pieces (bench/mock-rows,
 * 5,000-row compact pages: 0.86x the mock's CPU with pieces, against 20,000 here before).
 */
export const STREAM_ABOVE = CHUNK;
/**
 * A maxRows=-1 answer longer than this is also read from the store as it is written (select.ts,
 * key-read.ts), so 1,000,000 rows are never held at once; a shorter one is read at once.
 */
export const READ_AS_WRITTEN_ABOVE = 20_000;

const LAZY = Symbol('lazyArray');

/**
 * The pretty-printed JSON text of items `from` to `to` (exclusive, at least one) joined by commas,
 * as they stand in `JSON.stringify(body, null, 2)`: each `"\n    "` and the item indented below it.
 */
export type PrettyItemsText = (from: number, to: number) => string;

interface Lazy {
  key: string;
  length: number;
  items: (from: number, to: number) => unknown[];
  prettyText: PrettyItemsText | null;
  release: (() => void) | null;
}

/** A placeholder no server text contains: where the array goes in the text of the rest of the body. */
const MARK = JSON.stringify(`\u0000${randomUUID()}`);

/**
 * Defines `body[key]` as an array of `length` items that `items(from, to)` builds on demand
 * (`to` exclusive). Reading the property builds all of them once. With `prettyText`, pretty
 * answers take the items' text from it instead of stringifying built items (the same bytes).
 * `release` is called when {@link jsonPieces} is done with the items, written or not (an answer
 * whose client went away is never written to the end).
 */
export function lazyArray(
  body: Record<string, unknown>,
  key: string,
  length: number,
  items: (from: number, to: number) => unknown[],
  prettyText: PrettyItemsText | null = null,
  release: (() => void) | null = null,
): void {
  let all: unknown[] | undefined;
  Object.defineProperty(body, key, { enumerable: true, configurable: true, get: () => (all ??= items(0, length)) });
  Object.defineProperty(body, LAZY, { value: { key, length, items, prettyText, release } satisfies Lazy });
}

function lazyOf(body: unknown): Lazy | undefined {
  return body !== null && typeof body === 'object' ? ((body as Record<symbol, unknown>)[LAZY] as Lazy | undefined) : undefined;
}

/** Whether `body` holds a lazy array long enough to stream. */
export function isLargeBody(body: unknown): boolean {
  const lazy = lazyOf(body);
  return lazy !== undefined && lazy.length > STREAM_ABOVE;
}

/**
 * The JSON text of `body` in pieces: everything before the lazy array, the array a chunk of items
 * at a time, then the rest. A body without a lazy array is one piece. Ended early (`return()`: a
 * `for … of` left by a return, a break or a throw), it releases the array's items.
 */
export function* jsonPieces(body: unknown, compact: boolean): Generator<string, void, undefined> {
  const stringify = (v: unknown): string => (compact ? JSON.stringify(v) : JSON.stringify(v, null, 2));
  const lazy = lazyOf(body);
  if (!lazy) {
    yield stringify(body);
    return;
  }
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(body as object)) rest[k] = k === lazy.key ? JSON.parse(MARK) : (body as Record<string, unknown>)[k];
  const text = stringify(rest);
  const at = text.indexOf(MARK);
  try {
    yield text.slice(0, at);
    if (lazy.length === 0) yield '[]';
    else {
      for (let from = 0; from < lazy.length; from += CHUNK) {
        const to = Math.min(lazy.length, from + CHUNK);
        yield (from === 0 ? '[' : ',') + (!compact && lazy.prettyText ? lazy.prettyText(from, to) : itemsText(lazy.items(from, to), compact));
      }
      yield compact ? ']' : '\n  ]';
    }
    yield text.slice(at + MARK.length);
  } finally {
    lazy.release?.();
  }
}

/** The text of built items as they stand in the body's text. */
function itemsText(items: unknown[], compact: boolean): string {
  // The array is a top-level value: compact "[a,b]" loses its brackets; pretty, each line moves
  // one level in ("[\n  a\n]" becomes "\n    a") and the closing "\n  ]" comes once at the end.
  return compact ? JSON.stringify(items).slice(1, -1) : JSON.stringify(items, null, 2).replaceAll('\n', '\n  ').slice(1, -4);
}

/** The JSON text of `body`, as {@link jsonPieces} writes it, in one string. */
export function jsonText(body: unknown, compact: boolean): string {
  let s = '';
  for (const piece of jsonPieces(body, compact)) s += piece;
  return s;
}
