import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `sha256:<hex>` of the UTF-8 string, as LabKey stores API keys (ApiKeyManager.crypt). */
export function cryptOf(raw: string): string {
  return 'sha256:' + createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** First 8 hex of sha256(credential): enough to tell credentials apart in a log, useless to an attacker. */
export function fingerprintOf(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 8);
}

/** 64 lowercase hex characters, the format of keys, session keys and CSRF tokens since 23.3. */
export function newHex64(): string {
  return randomBytes(32).toString('hex');
}

export const HEX64 = /^[0-9a-f]{64}$/;

/** Constant-time comparison of two strings of any length (compares their SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Salted SHA-256 for the mock's passwords (a mock: no need for a slow KDF). */
export function hashPassword(password: string, salt: string): string {
  return createHash('sha256').update(salt + ':' + password, 'utf8').digest('hex');
}

export function newSalt(): string {
  return randomBytes(16).toString('hex');
}
