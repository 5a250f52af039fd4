import { fingerprintKey } from './fingerprint.js';
import { isSecret, type Secret } from './secret.js';

/**
 * The forms in which a key can come back in a server's text: as sent in the `apikey` header or
 * `Authorization: Bearer`, inside `Authorization: Basic` (base64 of `apikey:KEY`, and of the key
 * alone), and URL-encoded (a reflected query string or form body).
 */
function keyForms(raw: string): string[] {
  const forms = new Set<string>([
    raw,
    Buffer.from(`apikey:${raw}`, 'utf8').toString('base64'),
    Buffer.from(raw, 'utf8').toString('base64'),
    encodeURIComponent(raw),
  ]);
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].filter((f) => f.length >= 8).sort((a, b) => b.length - a.length);
}

/**
 * THE redaction step for text that came from a server (error bodies, `exception` messages, any
 * field an error or `--json` output carries): every form of `key` in `text` (raw, Basic base64,
 * URL-encoded) becomes `[key fp=1a2b3c4d]`, its fingerprint. A server or proxy that reflects the
 * request headers therefore cannot put the key into a message, a stack, JSON or inspect output.
 * @public
 */
export function scrubKey(text: string, key: Secret | string | undefined): string {
  if (key === undefined || text.length === 0) return text;
  const raw = isSecret(key) ? key.reveal() : key;
  if (raw.length < 8) return text;
  let out = text;
  let mark: string | undefined;
  for (const form of keyForms(raw)) {
    if (!out.includes(form)) continue;
    mark ??= `[key fp=${fingerprintKey(raw)}]`;
    out = out.split(form).join(mark);
  }
  return out;
}
