import { analyzeKeyShape, legacyKeyPrefix, looksLikeKey, stripLegacyPrefix } from './key-shape.js';

const HEX64 = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
const HEX32 = '0123456789abcdef0123456789abcdef';

describe('key shape', () => {
  it('a modern key is 64 lower-case hex; a legacy one apikey| or session| and 32 hex', () => {
    expect(analyzeKeyShape(HEX64)).toMatchObject({ modern: true, prefix: undefined, quoted: false, surroundingWhitespace: false, empty: false });
    expect(analyzeKeyShape(`apikey|${HEX32}`)).toMatchObject({ prefix: 'apikey|', legacyBody: true, modern: false });
    expect(analyzeKeyShape(`session|${HEX32}`).prefix).toBe('session|');
    expect(analyzeKeyShape(` "${HEX64.toUpperCase()}"\n`)).toMatchObject({ quoted: true, surroundingWhitespace: true, upperCaseHex: true, modern: false, bodyLength: 64 });
    expect(analyzeKeyShape(HEX64).nonAscii).toBe(false);
    // A zero-width space or a word joiner pasted along; a non-breaking space or a byte-order mark is whitespace (trimmed).
    expect(analyzeKeyShape(`\u200b${HEX64}`)).toMatchObject({ nonAscii: true, modern: false, innerWhitespace: false });
    expect(analyzeKeyShape(`${HEX64}\u2060`).nonAscii).toBe(true); // a word joiner
    expect(analyzeKeyShape(`\u00a0${HEX64}\u00a0`)).toMatchObject({ nonAscii: false, modern: true });
    expect(analyzeKeyShape('`x`').quoted).toBe(true);
    expect(analyzeKeyShape(' ').empty).toBe(true);
  });

  it('stripLegacyPrefix removes apikey| or session| (as issued, case-sensitive), else undefined', () => {
    expect(stripLegacyPrefix(`apikey|${HEX64}`)).toBe(HEX64);
    expect(stripLegacyPrefix(`session|${HEX32}`)).toBe(HEX32);
    expect(stripLegacyPrefix(HEX64)).toBeUndefined();
    expect(stripLegacyPrefix(`APIKEY|${HEX64}`)).toBeUndefined();
    expect(legacyKeyPrefix(`apikey|${HEX32}`)).toBe('apikey|');
    expect(legacyKeyPrefix('apikey: x')).toBeUndefined();
  });

  it('looksLikeKey: long values, a | or a hex run; not an e-mail or user name', () => {
    expect(looksLikeKey(HEX64)).toBe(true);
    expect(looksLikeKey(`apikey|${HEX32}`)).toBe(true);
    expect(looksLikeKey('x'.repeat(81))).toBe(true);
    expect(looksLikeKey('alice@lk.test')).toBe(false);
    expect(looksLikeKey('apikey')).toBe(false);
  });
});
