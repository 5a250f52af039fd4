import { isSecret, type Secret } from './secret.js';
import { legacyKeyPrefix } from '../credentials/key-shape.js';

/**
 * A key masked for status output (`lk auth status`): a short visible prefix, asterisks, and the
 * length, e.g. `lk_t******** (40 chars)` or, for a legacy key, `apikey|9f2c******** (71 chars)`.
 *
 * At most 4 characters of the key proper are shown, and never more than a quarter of it, so a
 * short key is not half-printed. A legacy `apikey|` (or `session|`) prefix is shown in full because it is not
 * secret and tells the user which kind of key this is.
 * @public
 */
export function maskKey(key: Secret | string): string {
  const raw = isSecret(key) ? key.reveal() : key;
  const prefix = legacyKeyPrefix(raw) ?? '';
  const body = raw.slice(prefix.length);
  const visible = Math.min(4, Math.floor(body.length / 4));
  const stars = '*'.repeat(Math.min(8, body.length - visible));
  return `${prefix}${body.slice(0, visible)}${stars} (${raw.length} chars)`;
}
