import { analyzeKeyShape } from '@lk/sdk';
import { describeShapeProblems } from './key-shape.js';

const HEX64 = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
const HEX32 = '0123456789abcdef0123456789abcdef';

describe('analyzeKeyShape', () => {
  it('a modern key: 64 lower-case hex, nothing to say', () => {
    const s = analyzeKeyShape(HEX64);
    expect(s).toMatchObject({ modern: true, prefix: undefined, quoted: false, surroundingWhitespace: false });
    expect(describeShapeProblems(s)).toEqual([]);
  });

  it('a legacy key: apikey| + 32 hex', () => {
    const s = analyzeKeyShape(`apikey|${HEX32}`);
    expect(s).toMatchObject({ prefix: 'apikey|', legacyBody: true, modern: false });
    expect(describeShapeProblems(s)[0]).toContain('pre-23.3 `apikey|` prefix');
  });

  it('a modern key with a stray prefix', () => {
    const s = analyzeKeyShape(`apikey|${HEX64}`);
    expect(s).toMatchObject({ prefix: 'apikey|', modern: true });
    expect(describeShapeProblems(s)).toEqual(['it starts with `apikey|` but the rest is a modern 64-hex key (the prefix does not belong there)']);
  });

  it('session| prefix', () => {
    expect(analyzeKeyShape(`session|${HEX32}`).prefix).toBe('session|');
  });

  it('whitespace around and inside, quotes, upper case, wrong length', () => {
    expect(describeShapeProblems(analyzeKeyShape(` ${HEX64}\n`))).toEqual(['it has whitespace around it']);
    expect(describeShapeProblems(analyzeKeyShape(`${HEX64.slice(0, 10)} ${HEX64.slice(10)}`))).toContain('it has whitespace inside it');
    expect(describeShapeProblems(analyzeKeyShape(`"${HEX64}"`))).toEqual(['it is wrapped in quote characters that are part of the value']);
    expect(describeShapeProblems(analyzeKeyShape(`\u201c${HEX64}\u201d`))[0]).toContain('quote');
    expect(describeShapeProblems(analyzeKeyShape(HEX64.toUpperCase()))).toEqual(['it has upper-case letters (keys are lower-case hex)']);
    expect(describeShapeProblems(analyzeKeyShape(HEX64.slice(1)))).toEqual(['it is 63 characters, not 64 lower-case hex characters']);
    expect(describeShapeProblems(analyzeKeyShape('   '))).toEqual(['the key is empty']);
  });

  it('never puts any part of the key in its descriptions', () => {
    for (const k of [`apikey|${HEX64}`, `"${HEX64}"`, HEX64.toUpperCase(), 'lk_test_0000000000000001']) {
      for (const d of describeShapeProblems(analyzeKeyShape(k))) expect(d).not.toContain(k.replace(/^"|"$/g, '').slice(7, 20));
    }
  });
});
