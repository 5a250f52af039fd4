import { Secret, isSecret } from '../redact/secret.js';

// A pasted header: `Authorization: Bearer <key>`, `Bearer <key>`, `apikey: <key>`, `apikey <key>`.
// The separator after `apikey` must be a colon or whitespace: `apikey|<hex>` is a legacy LabKey key
// whose server-side hash covers the whole string, prefix included, so it is never touched.
const HEADER_PREFIX = /^(?:authorization\s*:\s*)?(?:bearer(?:\s+|$)|apikey\s*:\s*|apikey\s+)/i;

/**
 * Normalises a key once, where it enters the SDK: trims surrounding whitespace (a trailing newline
 * from `echo` or a copied line is the usual culprit) and strips a pasted header-style prefix.
 * Returns `undefined` when nothing is left. Every source of a key goes through it (the option,
 * the environment, the keychain, the netrc), and so does `lk auth login` with what it was given.
 * @public
 */
export function normalizeApiKey(input: Secret | string): Secret | undefined {
  const raw = isSecret(input) ? input.reveal() : input;
  const key = raw.trim().replace(HEADER_PREFIX, '').trim();
  return key === '' ? undefined : new Secret(key);
}
