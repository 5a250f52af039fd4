import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex } from './sha256.js';

const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto at every length around the block and padding boundaries', () => {
    for (let n = 0; n <= 260; n++) {
      const s = 'k'.repeat(n);
      expect(sha256Hex(s)).toBe(nodeSha256(s));
    }
  });

  it('equals node:crypto for any text, multi-byte characters and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 2000 })), (s) => {
        expect(sha256Hex(s)).toBe(nodeSha256(s));
      }),
      { numRuns: 500 },
    );
  });

  it('equals node:crypto for a long text (many blocks)', () => {
    const s = 'lk_test_'.repeat(100_000);
    expect(sha256Hex(s)).toBe(nodeSha256(s));
  });
});
