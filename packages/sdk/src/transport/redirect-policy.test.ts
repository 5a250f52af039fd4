import { MAX_REDIRECTS, mustDropCredentials, nextMethod, resolveLocation } from './redirect-policy.js';

describe('mustDropCredentials: another origin, or https → http', () => {
  test.each([
    ['https://lk.example.org/labkey/a', 'http://lk.example.org/labkey/a', true],
    ['https://lk.example.org/a', 'https://lk.example.org:8443/a', true],
    ['https://lk.example.org/a', 'https://other.example.org/a', true],
    ['https://lk.example.org/a', 'https://evil.lk.example.org/a', true],
    ['http://lk.example.org/a', 'https://lk.example.org/a', true],
    ['http://127.0.0.1:8080/a', 'http://localhost:8080/a', true],
    ['https://lk.example.org/a', 'https://LK.example.org:443/b', false],
    ['http://127.0.0.1:8080/a', 'http://127.0.0.1:8080/b?x=1', false],
  ])('%s → %s: %s', (from, to, drop) => {
    expect(mustDropCredentials(from, to)).toBe(drop);
    expect(mustDropCredentials(new URL(from), new URL(to))).toBe(drop);
  });
});

test('nextMethod: 303 → GET; 301/302 turn POST into GET; 307/308 keep method and body', () => {
  expect(nextMethod(303, 'POST')).toEqual({ method: 'GET', keepBody: false });
  expect(nextMethod(303, 'HEAD')).toEqual({ method: 'HEAD', keepBody: false });
  expect(nextMethod(302, 'POST')).toEqual({ method: 'GET', keepBody: false });
  expect(nextMethod(301, 'POST')).toEqual({ method: 'GET', keepBody: false });
  expect(nextMethod(301, 'GET')).toEqual({ method: 'GET', keepBody: false });
  expect(nextMethod(307, 'POST')).toEqual({ method: 'POST', keepBody: true });
  expect(nextMethod(308, 'POST')).toEqual({ method: 'POST', keepBody: true });
});

test('resolveLocation: relative, absolute, missing, non-http', () => {
  expect(resolveLocation('/x?y=1', 'https://h/labkey/a')?.toString()).toBe('https://h/x?y=1');
  expect(resolveLocation(['b'], 'https://h/labkey/a')?.toString()).toBe('https://h/labkey/b');
  expect(resolveLocation('http://o:1/z', 'https://h/a')?.toString()).toBe('http://o:1/z');
  expect(resolveLocation(undefined, 'https://h/a')).toBeUndefined();
  expect(resolveLocation('javascript:alert(1)', 'https://h/a')).toBeUndefined();
  expect(resolveLocation('file:///etc/passwd', 'https://h/a')).toBeUndefined();
  expect(MAX_REDIRECTS).toBe(5);
});
