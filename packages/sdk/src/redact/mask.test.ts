import { maskKey } from './mask.js';
import { Secret } from './secret.js';

describe('maskKey', () => {
  it('keeps a 4-character prefix and the length of a normal key', () => {
    const key = 'lk_test_0000000000000000000000000000000000000001';
    expect(maskKey(key)).toBe(`lk_t******** (${key.length} chars)`);
    expect(maskKey(new Secret(key))).toBe(maskKey(key));
  });

  it('shows a legacy apikey| prefix in full and masks what follows', () => {
    const key = `apikey|${'9f2c'.repeat(16)}`;
    const masked = maskKey(key);
    expect(masked).toBe(`apikey|9f2c******** (${key.length} chars)`);
    expect(masked).not.toContain('9f2c9f2c');
  });

  it('shows at most a quarter of a short key', () => {
    expect(maskKey('abcdefgh')).toBe('ab****** (8 chars)');
    expect(maskKey('abc')).toBe('*** (3 chars)');
    expect(maskKey('')).toBe(' (0 chars)');
  });
});
