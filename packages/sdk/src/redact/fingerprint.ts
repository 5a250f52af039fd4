import { isSecret, type Secret } from './secret.js';
import { sha256Hex } from './sha256.js';

/**
 * A short, stable, non-reversible id of a key: the first 8 hex digits of its SHA-256.
 * Safe to print, log and compare ("env and netrc hold different keys") without revealing either.
 * Hash the key exactly as it will be sent (after normalisation), so equal keys get equal ids.
 * (SHA-256 in JavaScript, ./sha256.ts: node:crypto would cost every `lk auth token` its load.)
 * @public
 */
export function fingerprintKey(key: Secret | string): string {
  const raw = isSecret(key) ? key.reveal() : key;
  return sha256Hex(raw).slice(0, 8);
}
