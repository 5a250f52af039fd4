import { createHash } from 'node:crypto';
import { fingerprintKey } from './fingerprint.js';
import { Secret } from './secret.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';

describe('fingerprintKey', () => {
  it('is the first 8 hex digits of the SHA-256 of the key', () => {
    const expected = createHash('sha256').update(KEY).digest('hex').slice(0, 8);
    expect(fingerprintKey(KEY)).toBe(expected);
    expect(fingerprintKey(KEY)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('gives the same id for a Secret and its raw string, and different ids for different keys', () => {
    expect(fingerprintKey(new Secret(KEY))).toBe(fingerprintKey(KEY));
    expect(fingerprintKey(`${KEY.slice(0, -1)}2`)).not.toBe(fingerprintKey(KEY));
  });
});
