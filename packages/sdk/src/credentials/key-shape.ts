/**
 * What a LabKey API key looks like, in one place: keys since LabKey 23.3 are 64 lower-case hex
 * characters; keys issued before carry an `apikey|` (or `session|`) prefix and 32 hex characters,
 * and work only exactly as issued (the server hashes the whole string, prefix included). Anything
 * else (whitespace or quotes pasted along, upper case, a wrong length) the server rejects.
 *
 * Nothing here returns any part of a key except {@link stripLegacyPrefix}, whose result is the key.
 */

/** The prefixes of keys issued before LabKey 23.3 (part of those keys, never of newer ones). @public */
export const LEGACY_KEY_PREFIXES = ['apikey|', 'session|'] as const;

/** @public */
export type LegacyKeyPrefix = (typeof LEGACY_KEY_PREFIXES)[number];

/** The shape of a key, without any part of it. @public */
export interface KeyShape {
  /** The `apikey|` or `session|` prefix (after trimming and quotes), if present. */
  prefix: LegacyKeyPrefix | undefined;
  /** Leading or trailing whitespace (a copy-paste slip; inner whitespace cannot be sent at all). */
  surroundingWhitespace: boolean;
  innerWhitespace: boolean;
  /** The value starts and ends with a quote character (`"…"`, `'…'`, `` `…` `` or typographic quotes). */
  quoted: boolean;
  /** After trimming, quotes and the prefix: exactly 64 lower-case hex characters (a modern key). */
  modern: boolean;
  /** After removing the prefix: 32 lower-case hex characters (a pre-23.3 key body). */
  legacyBody: boolean;
  /** Hex, but with upper-case letters. */
  upperCaseHex: boolean;
  /**
   * A character outside printable ASCII after trimming (a key is ASCII): most often an invisible
   * one picked up by copy and paste, such as a zero-width space or a word joiner. Such a key
   * cannot be sent (see authHeadersFor).
   */
  nonAscii: boolean;
  /** Length of the body (after trimming, quotes and prefix), to say "63 characters" without showing any. */
  bodyLength: number;
  empty: boolean;
}

const QUOTES = ['"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019'];

/** The legacy prefix a key starts with (case-sensitive, as issued), if any. @public */
export function legacyKeyPrefix(key: string): LegacyKeyPrefix | undefined {
  return LEGACY_KEY_PREFIXES.find((p) => key.startsWith(p));
}

/** The key without its legacy prefix, or undefined when it has none (to probe the server, or repair a file). @public */
export function stripLegacyPrefix(key: string): string | undefined {
  const p = legacyKeyPrefix(key);
  return p ? key.slice(p.length) : undefined;
}

/** What a stored or pasted key looks like, without ever returning any part of it. @public */
export function analyzeKeyShape(raw: string): KeyShape {
  const trimmed = raw.trim();
  let quoted = false;
  let inner = trimmed;
  if (inner.length >= 2 && QUOTES.includes(inner[0]!) && QUOTES.includes(inner[inner.length - 1]!)) {
    quoted = true;
    inner = inner.slice(1, -1).trim();
  }
  const prefix = legacyKeyPrefix(inner);
  const body = prefix ? inner.slice(prefix.length) : inner;
  return {
    prefix,
    surroundingWhitespace: raw.length !== trimmed.length,
    innerWhitespace: /\s/.test(trimmed),
    quoted,
    modern: /^[0-9a-f]{64}$/.test(body),
    legacyBody: /^[0-9a-f]{32}$/.test(body),
    upperCaseHex: /^[0-9a-fA-F]+$/.test(body) && /[A-F]/.test(body),
    // Whitespace is reported on its own (innerWhitespace); any other character past ~ is not ASCII.
    nonAscii: /[^\s\x00-\x7e]/.test(trimmed),
    bodyLength: body.length,
    empty: trimmed.length === 0,
  };
}

/**
 * A value that could be a key (to keep it out of messages, e.g. a key pasted as a netrc login):
 * long, holding a `|`, or a run of 24 or more hex characters. @public
 */
export function looksLikeKey(value: string): boolean {
  return value.length > 80 || value.includes('|') || /^[0-9a-f]{24,}$/i.test(value);
}

const SECRET_PARAM = /[?&](?:apikey|api_key|key|token|access_token|password|passwd|pwd|secret)=([^&#\s]+)/gi;

/**
 * The values in command-line arguments that may be keys typed there by mistake (`lk auth KEY`,
 * `--server https://host/?apikey=KEY`): an argument (or an `--option=` value) that
 * {@link looksLikeKey} or holds a run of 32 hex digits, and the secret parameters of a URL (as
 * written and decoded). A program masks them in everything it prints. @public
 */
export function keysInArgs(args: readonly string[]): string[] {
  const out = new Set<string>();
  for (const a of args) {
    const v = a.startsWith('-') && a.includes('=') ? a.slice(a.indexOf('=') + 1) : a;
    for (const m of v.matchAll(SECRET_PARAM)) {
      const raw = m[1] as string;
      out.add(raw);
      try {
        out.add(decodeURIComponent(raw));
      } catch {
        /* keep the raw form */
      }
    }
    if (!/^https?:\/\//i.test(v) && (looksLikeKey(v) || /[0-9a-f]{32}/i.test(v))) out.add(v);
  }
  return [...out].filter((k) => k.length >= 8).sort((x, y) => y.length - x.length);
}
