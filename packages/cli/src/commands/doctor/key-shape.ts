/**
 * What a stored key looks like, without ever returning any part of it. LabKey keys since 23.3 are
 * 64 lowercase hex characters; keys issued before carry an `apikey|` (or `session|`) prefix and 32
 * hex characters, and work only exactly as issued (protocol notes §2.3). Anything else (surrounding
 * whitespace, quotes pasted along, upper case, wrong length) is a mistake the server will reject.
 */
export type KeyPrefix = 'apikey|' | 'session|';

export interface KeyShape {
  /** The `apikey|` or `session|` prefix, if present. */
  prefix: KeyPrefix | undefined;
  /** Leading or trailing whitespace (a copy-paste slip; inner whitespace cannot be sent at all). */
  surroundingWhitespace: boolean;
  innerWhitespace: boolean;
  /** The value starts and ends with a quote character (`"…"`, `'…'`, or typographic quotes). */
  quoted: boolean;
  /** After trimming and removing the prefix: exactly 64 lowercase hex characters (a modern key). */
  modern: boolean;
  /** After removing the prefix: 32 lowercase hex characters (a pre-23.3 key body). */
  legacyBody: boolean;
  /** Hex, but with upper-case letters. */
  upperCaseHex: boolean;
  /** Length of the body (after trimming and prefix), to say "63 characters" without showing any. */
  bodyLength: number;
  empty: boolean;
}

const PREFIXES: readonly KeyPrefix[] = ['apikey|', 'session|'];
const QUOTES = ['"', "'", '\u201c', '\u201d', '\u2018', '\u2019'];

export function analyzeKeyShape(raw: string): KeyShape {
  const trimmed = raw.trim();
  let quoted = false;
  let inner = trimmed;
  if (inner.length >= 2 && QUOTES.includes(inner[0]!) && QUOTES.includes(inner[inner.length - 1]!)) {
    quoted = true;
    inner = inner.slice(1, -1).trim();
  }
  const prefix = PREFIXES.find((p) => inner.startsWith(p));
  const body = prefix ? inner.slice(prefix.length) : inner;
  return {
    prefix,
    surroundingWhitespace: raw.length !== trimmed.length,
    innerWhitespace: /\s/.test(trimmed),
    quoted,
    modern: /^[0-9a-f]{64}$/.test(body),
    legacyBody: /^[0-9a-f]{32}$/.test(body),
    upperCaseHex: /^[0-9a-fA-F]+$/.test(body) && /[A-F]/.test(body),
    bodyLength: body.length,
    empty: trimmed.length === 0,
  };
}

/** The key without its legacy prefix (used only to probe the server and to repair the file). */
export function stripPrefix(raw: string): string | undefined {
  const p = PREFIXES.find((x) => raw.startsWith(x));
  return p ? raw.slice(p.length) : undefined;
}

/** Problems with the shape, as short phrases (never containing the key). */
export function describeShapeProblems(s: KeyShape): string[] {
  const out: string[] = [];
  if (s.empty) return ['the key is empty'];
  if (s.surroundingWhitespace) out.push('it has whitespace around it');
  if (s.innerWhitespace) out.push('it has whitespace inside it');
  if (s.quoted) out.push('it is wrapped in quote characters that are part of the value');
  if (s.prefix) {
    out.push(
      s.legacyBody
        ? `it has the pre-23.3 \`${s.prefix}\` prefix (a legacy key, valid only as issued)`
        : `it starts with \`${s.prefix}\` but the rest is ${s.modern ? 'a modern 64-hex key (the prefix does not belong there)' : `${s.bodyLength} characters, not a key`}`,
    );
  } else if (!s.modern) {
    if (s.upperCaseHex && s.bodyLength === 64) out.push('it has upper-case letters (keys are lower-case hex)');
    else out.push(`it is ${s.bodyLength} characters, not 64 lower-case hex characters`);
  }
  return out;
}
