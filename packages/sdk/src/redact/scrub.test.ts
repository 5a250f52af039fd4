import { fingerprintKey } from './fingerprint.js';
import { scrubKey } from './scrub.js';
import { Secret } from './secret.js';

const KEY = 'apikey|0123456789abcdef0123456789abcdef';

describe('scrubKey', () => {
  const mark = `[key fp=${fingerprintKey(KEY)}]`;

  it('replaces the raw, Basic base64 and URL-encoded forms with the fingerprint', () => {
    const basic = Buffer.from(`apikey:${KEY}`).toString('base64');
    const text = `apikey: ${KEY}; authorization: Basic ${basic}; url: /x?k=${encodeURIComponent(KEY)}; again ${KEY}`;
    expect(scrubKey(text, new Secret(KEY))).toBe(`apikey: ${mark}; authorization: Basic ${mark}; url: /x?k=${mark}; again ${mark}`);
  });

  it('leaves text without the key, and text with no key in use, as it is', () => {
    expect(scrubKey('nothing here', KEY)).toBe('nothing here');
    expect(scrubKey(`has ${KEY}`, undefined)).toBe(`has ${KEY}`);
  });
});
