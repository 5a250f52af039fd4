import { CookieJar } from './cookie-jar.js';
import { redactRequest, redactUrl } from './redacted-request.js';

describe('CookieJar', () => {
  test('keeps cookies from its own origin and sends them only there', () => {
    const jar = new CookieJar('http://127.0.0.1:8080');
    jar.store('http://127.0.0.1:8080/labkey/login-whoAmI.api', ['X-LABKEY-CSRF=abc; Path=/labkey; SameSite=Lax', 'JSESSIONID=s1; Path=/; HttpOnly']);
    jar.store('http://127.0.0.1:9090/x', 'EVIL=1; Path=/');
    expect(jar.headerFor('http://127.0.0.1:8080/labkey/x')).toBe('X-LABKEY-CSRF=abc; JSESSIONID=s1');
    expect(jar.headerFor('http://127.0.0.1:9090/labkey/x')).toBeUndefined();
    expect(jar.headerFor('https://127.0.0.1:8080/labkey/x')).toBeUndefined();
    expect(jar.names()).toEqual(['X-LABKEY-CSRF', 'JSESSIONID']);
  });
  test('the session cookie of an answer to a keyed request is not kept (the key goes on every request)', () => {
    const jar = new CookieJar('http://h');
    jar.store('http://h/labkey/login-whoAmI.api', ['X-LABKEY-CSRF=abc; Path=/labkey', 'JSESSIONID=s1; Path=/labkey; HttpOnly'], true);
    expect(jar.names()).toEqual(['X-LABKEY-CSRF']);
    jar.store('http://h/labkey/login-loginAPI.api', ['JSESSIONID=s2; Path=/labkey; HttpOnly']);
    expect(jar.get('JSESSIONID')).toBe('s2');
  });
  test('Max-Age=0 or an empty value deletes; delete() too', () => {
    const jar = new CookieJar('http://h');
    jar.store('http://h/', ['A=1', 'B=2', 'C=3']);
    jar.store('http://h/', ['A=; Max-Age=0', 'B=']);
    expect(jar.ownHeader()).toBe('C=3');
    jar.delete('C');
    expect(jar.ownHeader()).toBeUndefined();
    expect(jar.size).toBe(0);
  });
});

describe('redaction of requests', () => {
  test('userinfo and secret-looking parameters are removed; header names only', () => {
    expect(redactUrl('https://u:p@h/labkey/x.api?apikey=k&Name=a&X-LABKEY-CSRF=t')).toBe(
      'https://h/labkey/x.api?apikey=%5BREDACTED%5D&Name=a&X-LABKEY-CSRF=%5BREDACTED%5D',
    );
    expect(redactRequest('GET', 'https://h/x', { apikey: 'k', Authorization: 'Basic x', Accept: 'a' })).toEqual({
      method: 'GET',
      url: 'https://h/x',
      headerNames: ['accept', 'apikey', 'authorization'],
    });
    expect(redactUrl('not a url')).toBe('[unparsable URL]');
  });
});
