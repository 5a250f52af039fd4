import { createHash } from 'node:crypto';
import { isSecret, type Secret } from './secret.js';

/**
 * A short, stable, non-reversible id of a key: the first 8 hex digits of its SHA-256.
 * Safe to print, log and compare ("env and netrc hold different keys") without revealing either.
 * Hash the key exactly as it will be sent (after normalisation), so equal keys get equal ids.
 * @public
 */
export function fingerprintKey(key: Secret | string): string {
  const raw = isSecret(key) ? key.reveal() : key;
  return createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 8);
}
