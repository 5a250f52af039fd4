import { actionUrl, encodeContainerPath, encodeParams, folderSplits, normalizeServerUrl, otherContextPath, serverOrigin, usualBaseUrls } from './url.js';

describe('normalizeServerUrl', () => {
  test.each([
    ['https://lk.example.org/labkey/', 'https://lk.example.org/labkey'],
    ['https://lk.example.org', 'https://lk.example.org'],
    ['http://127.0.0.1:8080/labkey?x=1#y', 'http://127.0.0.1:8080/labkey'],
    ['HTTPS://LK.Example.org:443/labkey', 'https://lk.example.org/labkey'],
  ])('%s → %s', (input, out) => expect(normalizeServerUrl(input)).toBe(out));
  test('refuses userinfo, other schemes and non-URLs without echoing a password', () => {
    expect(() => normalizeServerUrl('https://me:s3cret@lk.example.org')).toThrow(/must not contain a user name or password/);
    try {
      normalizeServerUrl('https://me:s3cret@lk.example.org');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('s3cret');
    }
    expect(() => normalizeServerUrl('ftp://lk.example.org')).toThrow(/Unsupported URL scheme/);
    expect(() => normalizeServerUrl('lk example')).toThrow(/Not a URL/);
  });
  test('adds https:// to a bare host, drops a trailing slash and the default port', () => {
    expect(normalizeServerUrl('LabKey.Example.org/labkey/')).toBe('https://labkey.example.org/labkey');
    expect(normalizeServerUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(normalizeServerUrl('https://h:443/lk')).toBe('https://h/lk');
    expect(() => normalizeServerUrl('  ')).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
  });
  test('strict (a URL a person typed): refuses a query, a fragment and a page URL', () => {
    expect(() => normalizeServerUrl('https://h/labkey?x=1', { strict: true })).toThrow(
      expect.objectContaining({ code: 'LK_INVALID_ARGUMENT', hint: expect.stringContaining('Drop everything from') }),
    );
    expect(() => normalizeServerUrl('https://h/labkey#top', { strict: true })).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
    expect(() => normalizeServerUrl('https://h/labkey/home/project-begin.view', { strict: true })).toThrow(/looks like a page URL/);
    expect(normalizeServerUrl('https://h/labkey/home/project-begin.view')).toBe('https://h/labkey/home/project-begin.view');
    expect(() => normalizeServerUrl('https://u:p@h/', { strict: true })).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
  });
  test('dropUserinfo (a lookup key, never sent): drops user, password, query and fragment', () => {
    expect(normalizeServerUrl('https://me:secret@lk.example.org/labkey?x=1#y', { dropUserinfo: true })).toBe('https://lk.example.org/labkey');
    expect(serverOrigin('https://me:secret@LK.example.org:443/labkey')).toBe('https://lk.example.org');
  });
});

describe('normalizeServerUrl: a mistyped scheme is refused with the URL that was meant', () => {
  it.each([
    ['http//127.0.0.1:8080/labkey', 'http://127.0.0.1:8080/labkey'],
    ['https//lk.example.org/labkey', 'https://lk.example.org/labkey'],
    ['http:/127.0.0.1:8080/labkey', 'http://127.0.0.1:8080/labkey'],
    ['HTTPS:/lk.example.org', 'https://lk.example.org'],
    ['http:127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['htp://lk.example.org/labkey', 'http://lk.example.org/labkey'],
    ['htps://lk.example.org/labkey', 'https://lk.example.org/labkey'],
    ['httpss://lk.example.org', 'https://lk.example.org'],
  ])('%s → did you mean %s', (typed, meant) => {
    // Before: http//host became https://http//host (a host named "http"), and htp: said only "Unsupported URL scheme".
    let err: any;
    try {
      normalizeServerUrl(typed);
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe('LK_INVALID_ARGUMENT');
    expect(err.hint).toBe(`Did you mean ${meant}?`);
    // What it suggests is a URL this function takes.
    expect(normalizeServerUrl(meant)).toBe(meant);
  });

  it('a password in the mistyped URL stays out of the message and the suggestion', () => {
    let err: any;
    try {
      normalizeServerUrl('http//me:s3cret@lk.example.org');
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe('LK_INVALID_ARGUMENT');
    expect(`${err.message} ${err.hint}`).not.toContain('s3cret');
  });

  it('ftp:// and other schemes that are not a typo of http(s) are refused as before', () => {
    expect(() => normalizeServerUrl('ftp://lk.example.org')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Pass the server as/) }));
  });
});

describe('otherContextPath (the other usual context path)', () => {
  test.each([
    ['https://h/labkey', 'https://h'],
    ['https://h/LabKey/', 'https://h'],
    ['https://h', 'https://h/labkey'],
    ['http://h:8080/x', 'http://h:8080/x/labkey'],
  ])('%s → %s', (url, other) => expect(otherContextPath(url)).toBe(other));
});

describe('usualBaseUrls (the other usual bases on the same origin)', () => {
  it.each([
    ['https://h/labkey', ['https://h']],
    ['https://h', ['https://h/labkey']],
    // Tomcat's context paths are case-sensitive: /LabKey is not /labkey, which is tried too.
    ['https://h:8443/LabKey/', ['https://h:8443', 'https://h:8443/labkey']],
    // A mistyped context path: its "other" (with /labkey added), then /labkey and the root.
    ['http://h:8080/labkye', ['http://h:8080/labkye/labkey', 'http://h:8080/labkey', 'http://h:8080']],
  ])('%s → %j', (base, out) => expect(usualBaseUrls(base)).toEqual(out));
});

describe('folderSplits (a base URL that may end in a folder path)', () => {
  test.each([
    ['https://h', []],
    ['https://h/labkey', []],
    ['https://h/LabKey/', []],
    ['https://h/labkey/home', [{ base: 'https://h/labkey', container: '/home' }]],
    ['https://h/home', [{ base: 'https://h', container: '/home' }]],
    [
      'https://h/labkey/home/My%20Study',
      [
        { base: 'https://h/labkey', container: '/home/My Study' },
        { base: 'https://h/labkey/home', container: '/My Study' },
      ],
    ],
  ])('%s', (url, splits) => expect(folderSplits(url)).toEqual(splits));
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

describe('container paths with dot segments', () => {
  it('are refused (a URL would resolve them out of the context path)', () => {
    for (const c of ['/..', '/home/../../admin', './home', '/home/.', '..']) {
      expect(() => actionUrl('https://lk.test/labkey', c, 'query', 'selectRows')).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
    }
    expect(actionUrl('https://lk.test/labkey', '/home/..x/a.b', 'query', 'selectRows')).toBe('https://lk.test/labkey/home/..x/a.b/query-selectRows.api');
  });
});
