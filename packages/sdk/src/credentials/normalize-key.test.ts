import { normalizeApiKey } from './normalize-key.js';
import { Secret } from '../redact/secret.js';

const KEY = 'lk_test_0000000000000000000000000000000000000001';

describe('normalizeApiKey', () => {
  it.each([
    ['surrounding whitespace and a trailing newline', `  ${KEY}\n`],
    ['CRLF from a Windows clipboard', `${KEY}\r\n`],
    ['a pasted Bearer prefix', `Bearer ${KEY}`],
    ['a pasted lower-case bearer prefix with tabs', `bearer\t${KEY} `],
    ['a pasted Authorization header', `Authorization: Bearer ${KEY}`],
    ['a pasted apikey header', `apikey: ${KEY}`],
    ['a pasted apikey prefix with a space', `apikey ${KEY}`],
  ])('strips %s', (_label, input) => {
    expect(normalizeApiKey(input)?.reveal()).toBe(KEY);
  });

  it('never strips (or adds) the legacy apikey| prefix, which is part of the key', () => {
    const legacy = `apikey|${'ab'.repeat(32)}`;
    expect(normalizeApiKey(legacy)?.reveal()).toBe(legacy);
    expect(normalizeApiKey(` ${legacy}\n`)?.reveal()).toBe(legacy);
    expect(normalizeApiKey(`Bearer ${legacy}`)?.reveal()).toBe(legacy);
    expect(normalizeApiKey(KEY)?.reveal()).toBe(KEY);
  });

  it('accepts a Secret and returns a Secret; blank input gives undefined', () => {
    const out = normalizeApiKey(new Secret(` ${KEY} `));
    expect(out).toBeInstanceOf(Secret);
    expect(out?.reveal()).toBe(KEY);
    expect(normalizeApiKey(' \n\t')).toBeUndefined();
    expect(normalizeApiKey('Bearer   ')).toBeUndefined();
  });
});
