import { actionUrl, encodeContainerPath, encodeParams, normalizeBaseUrl } from './url.js';

describe('normalizeBaseUrl', () => {
  test.each([
    ['https://lk.example.org/labkey/', 'https://lk.example.org/labkey'],
    ['https://lk.example.org', 'https://lk.example.org'],
    ['http://127.0.0.1:8080/labkey?x=1#y', 'http://127.0.0.1:8080/labkey'],
    ['HTTPS://LK.Example.org:443/labkey', 'https://lk.example.org/labkey'],
  ])('%s → %s', (input, out) => expect(normalizeBaseUrl(input)).toBe(out));
  test('refuses userinfo, other schemes and non-URLs without echoing a password', () => {
    expect(() => normalizeBaseUrl('https://me:s3cret@lk.example.org')).toThrow(/must not contain a user name or password/);
    try {
      normalizeBaseUrl('https://me:s3cret@lk.example.org');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('s3cret');
    }
    expect(() => normalizeBaseUrl('ftp://lk.example.org')).toThrow(/Unsupported URL scheme/);
    expect(() => normalizeBaseUrl('lk example')).toThrow(/Not a URL/);
  });
});

describe('encodeContainerPath (per segment: + → %2B, space → %20)', () => {
  test.each([
    [undefined, ''],
    ['', ''],
    ['/', ''],
    ['/home', '/home'],
    ['home/', '/home'],
    ['/Project/Sub Folder', '/Project/Sub%20Folder'],
    ['/a+b/c%d', '/a%2Bb/c%25d'],
    ['/Über/x?y#z', '/%C3%9Cber/x%3Fy%23z'],
  ])('%s → %s', (input, out) => expect(encodeContainerPath(input)).toBe(out));
});

test('actionUrl is new-style: {base}{container}/{controller}-{action}.api', () => {
  expect(actionUrl('https://h/labkey', '/home/Sub Folder', 'query', 'selectRows')).toBe('https://h/labkey/home/Sub%20Folder/query-selectRows.api');
  expect(actionUrl('https://h', '/', 'login', 'whoAmI')).toBe('https://h/login-whoAmI.api');
});

test('encodeParams repeats array names and skips null/undefined', () => {
  expect(encodeParams({ a: 'x y', b: [1, 2], c: undefined, d: null, 'query.Name~eq': 'a+b', e: false })).toBe(
    'a=x%20y&b=1&b=2&query.Name~eq=a%2Bb&e=false',
  );
  expect(encodeParams(undefined)).toBe('');
});
