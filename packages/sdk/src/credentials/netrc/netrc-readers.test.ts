// The reader models against what the real readers did with the same text (measured on Debian 12:
// CPython 3.11 netrc, curl 7.88.1; Java from LabKey's NetrcFileParser). The interop tier
// (test/interop) checks the same models against the real python3 and curl on every corpus case.
import { curlNetrcModel, javaNetrcModel, netrcReadersView, pythonNetrcModel, type NetrcReadersFiles } from './netrc-readers.js';
import { fingerprintKey } from '../../redact/fingerprint.js';

const py = (t: string, host: string) => {
  const r = pythonNetrcModel(t);
  if (r.error) return 'error';
  const e = r.hosts.get(host) ?? r.hosts.get('default');
  return e ? `${e.login}:${e.password}` : undefined;
};
const curl = (t: string, host: string) => {
  const r = curlNetrcModel(t, host);
  return r ? `${r.login}:${r.password}` : undefined;
};
const java = (t: string, host: string) => {
  const r = javaNetrcModel(t, host);
  return r ? `${r.login}:${r.password}` : undefined;
};

describe('reader models, as measured', () => {
  test.each([
    // text, host, python, curl
    ['machine a login l password #pass\n', 'a', 'l:#pass', 'l:'],
    ['machine a login l password #pass\nlogin zz\n', 'a', 'zz:#pass', 'l:login'],
    ['machine a login x password #pass #comment login not-read\nmachine b login y password q\n', 'a', 'x:#pass', 'x:machine'],
    ['machine a login machine password default\n', 'a', 'machine:default', 'machine:default'],
    ['machine a\nmachine a login l password p\n', 'a', 'l:p', 'l:p'],
    ['machine a account x\ndefault login d password dd\n', 'a', ':', 'd:dd'],
    ['machine a login l password p\nmachine a login l2 password p2\n', 'a', 'l2:p2', 'l:p'],
    ['machine a login l\nmachine a password p2\n', 'a', ':p2', ':p2'],
    ['machine a password p\nmachine a login l2 password p2\n', 'a', 'l2:p2', 'l2:p2'],
    ['machine a login l\ndefault login d password dd\n', 'a', 'l:', 'd:dd'],
    ['default login d password dd\nmachine a login l password p\n', 'a', 'l:p', 'd:dd'],
    ['machine a password "old"machine b login x password y\n', 'b', 'x:y', undefined],
    ['machine a login l password p port 22\n', 'a', 'error', 'l:p'],
    ['machine a password p login l\n', 'a', 'l:p', 'l:p'],
    ['machine A login l password p\n', 'a', undefined, 'l:p'],
    ['machine a user u password p\n', 'a', 'u:p', ':p'],
    ['machine a login l password p#c\n', 'a', 'l:p#c', 'l:p#c'],
  ])('%j for %s: python %s, curl %s', (text, host, wantPy, wantCurl) => {
    expect(py(text, host)).toBe(wantPy);
    expect(curl(text, host)).toBe(wantCurl);
  });

  test('Python: a top-level "#word" skips only that word (CPython 3.11), "# words" the line', () => {
    expect(pythonNetrcModel('# machine a login x password y\nmachine b login l password p\n').error).toBeUndefined();
    expect(pythonNetrcModel('#machine a\n').error).toMatchObject({ what: 'a token outside an entry' });
  });

  test('Java: machine, login, password in that order, exact host, comments read', () => {
    expect(java('machine a login l password p\n', 'a')).toBe('l:p');
    expect(java('machine a password p login l\n', 'a')).toBeUndefined();
    expect(java('machine A login l password p\n', 'a')).toBeUndefined();
    expect(java('machine a port 1 login l password p\n', 'a')).toBeUndefined();
    expect(java('# machine a login old password stale\nmachine a login l password p\n', 'a')).toBe('old:stale');
    expect(javaNetrcModel('# machine a login old password stale\n', 'a')).toMatchObject({ inComment: true, line: 1 });
    expect(java('machine a\nlogin l\npassword p', 'a')).toBe('l:p');
    expect(java('machine a login l password "p q"\n', 'a')).toBe('l:"p');
    expect(java('machine [::1] login l password p\n', '[::1]')).toBe('l:p');
  });
});

const KEY = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
const home = (dot: string | undefined, extra: Partial<NetrcReadersFiles> = {}): NetrcReadersFiles => {
  const dotNetrc = { path: '/h/.netrc', text: dot };
  return { platform: 'linux', dotNetrc, underscoreNetrc: { path: '/h/_netrc', text: undefined }, lkFile: dotNetrc, ...extra };
};

describe('netrcReadersView', () => {
  test('a clean entry: every reader sends the key lk uses', () => {
    const r = netrcReadersView('https://lk.example.org/labkey', home(`machine lk.example.org\nlogin apikey\npassword ${KEY}\n`));
    expect(r.lk).toEqual({ file: '/h/.netrc', line: 1, fingerprint: fingerprintKey(KEY) });
    expect(r.readers.map((v) => [v.reader, v.outcome, v.sameKeyAsLk])).toEqual([
      ['python', 'found', true],
      ['r', 'found', true],
      ['curl', 'found', true],
      ['java', 'found', true],
    ]);
    expect(r.findings).toEqual([]);
    expect(r.allAgree).toBe(true);
  });

  test('duplicates: Python reads the stale last entry; fixable', () => {
    const r = netrcReadersView('lk.example.org', home(`machine lk.example.org login apikey password ${KEY}\nmachine lk.example.org login apikey password ${OLD}\n`));
    expect(r.readers.find((v) => v.reader === 'python')).toMatchObject({ outcome: 'found', line: 2, sameKeyAsLk: false });
    expect(r.findings).toEqual([expect.objectContaining({ code: 'duplicate-machine', readers: ['python'], fixable: true })]);
    expect(JSON.stringify(r)).not.toContain(KEY);
    expect(JSON.stringify(r)).not.toContain(OLD);
  });

  test('port in lk\'s entry is fixable; port in another entry is not', () => {
    let r = netrcReadersView('lk.example.org', home(`machine lk.example.org login apikey password ${KEY} port 8443\n`));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'python-rejects-file', readers: ['python'], fixable: true, line: 1 })]);
    r = netrcReadersView('lk.example.org', home(`machine other port 22 login u password v\nmachine lk.example.org login apikey password ${KEY}\n`));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'python-rejects-file', fixable: false })]);
    expect(r.readers.find((v) => v.reader === 'python')).toMatchObject({ outcome: 'rejects-file' });
    expect(r.readers.find((v) => v.reader === 'curl')).toMatchObject({ sameKeyAsLk: true });
  });

  test('password before login: Java finds nothing; fixable', () => {
    const r = netrcReadersView('lk.example.org', home(`machine lk.example.org password ${KEY} login apikey\n`));
    expect(r.readers.find((v) => v.reader === 'java')).toMatchObject({ outcome: 'no-entry' });
    expect(r.findings).toEqual([expect.objectContaining({ code: 'token-order', readers: ['java'], fixable: true })]);
  });

  test('a commented-out entry the Java parser reads', () => {
    const r = netrcReadersView('lk.example.org', home(`# machine lk.example.org login apikey password ${OLD}\nmachine lk.example.org login apikey password ${KEY}\n`));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'commented-entry', readers: ['java'], fixable: false, line: 1 })]);
  });

  test('host case: Python and Java miss', () => {
    const r = netrcReadersView('lk.example.org', home(`machine LK.example.org login apikey password ${KEY}\n`));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'host-case', readers: ['python', 'java'] })]);
  });

  test('IPv6: no single entry serves every reader', () => {
    const r = netrcReadersView('http://[::1]:8080/', home(`machine ::1 login apikey password ${KEY}\n`));
    expect(r.findings).toEqual([expect.objectContaining({ code: 'ipv6-host', readers: ['python', 'java'], message: expect.stringContaining("requests before 2.32.4 finds no entry for an IPv6 address") })]);
  });

  test('NETRC elsewhere: R, curl and Java read ~/.netrc', () => {
    const env = { path: '/elsewhere/netrc', text: `machine lk.example.org login apikey password ${KEY}\n` };
    const r = netrcReadersView('lk.example.org', { ...home(undefined), netrcEnv: env, lkFile: env });
    expect(r.readers.map((v) => [v.reader, v.outcome])).toEqual([
      ['python', 'found'],
      ['r', 'no-file'],
      ['curl', 'no-file'],
      ['java', 'no-file'],
    ]);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'netrc-env', readers: ['r', 'curl', 'java'], fixable: false })]);
  });

  test('only ~/_netrc: curl and R do not read it on Linux', () => {
    const u = { path: '/h/_netrc', text: `machine lk.example.org login apikey password ${KEY}\n` };
    const r = netrcReadersView('lk.example.org', { platform: 'linux', dotNetrc: { path: '/h/.netrc', text: undefined }, underscoreNetrc: u, lkFile: u });
    expect(r.readers.map((v) => [v.reader, v.sameKeyAsLk])).toEqual([
      ['python', true],
      ['r', false],
      ['curl', false],
      ['java', true],
    ]);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'underscore-netrc-only', readers: ['r', 'curl'] })]);
  });
});

// Layouts where the model disagreed with LabKey's real NetrcFileParser (labkey-api-java at
// 5b00dda, compiled unchanged and run on each file; expected answers are what it returned).
describe('Java view, checked against the real NetrcFileParser', () => {
  const java = (r: ReturnType<typeof netrcReadersView>) => r.readers.find((v) => v.reader === 'java')!;

  test('login, port, password: Java sends the key under the login "apikey port 8080", which the server does not take as an API key', () => {
    // real: getEntry(...) = login "apikey port 8080", password KEY
    const r = netrcReadersView('https://lk.example.org/labkey', home(`machine lk.example.org login apikey port 8080 password ${KEY}\n`));
    expect(java(r)).toMatchObject({ outcome: 'found', fingerprint: fingerprintKey(KEY), sameKeyAsLk: false });
    expect(java(r).why).toContain('another login');
    expect(JSON.stringify(r)).not.toContain('apikey port');
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ readers: ['java'] })]));
    expect(r.allAgree).toBe(false);
  });

  test('account between login and password: Java reads "apikey account lab1" as the login; the tidy edit repairs it', () => {
    // real: getEntry(...) = login "apikey account lab1", password KEY
    const r = netrcReadersView('https://lk.example.org/labkey', home(`machine lk.example.org login apikey account lab1 password ${KEY}\n`));
    expect(r.readers.map((v) => [v.reader, v.sameKeyAsLk])).toEqual([
      ['python', true],
      ['r', true],
      ['curl', true],
      ['java', false],
    ]);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'token-order', readers: ['java'], fixable: true, line: 1 })]);
    expect(r.findings[0]!.message).toContain('between login and password');
  });

  test('an email login: the same key under the same login agrees', () => {
    const r = netrcReadersView('https://lk.example.org/labkey', home(`machine lk.example.org login alice@lk.test password ${KEY} account lab1\n`));
    expect(java(r)).toMatchObject({ outcome: 'found', sameKeyAsLk: true });
  });

  test('an upper-case URL: Java looks up the host as written (URI.getHost()), and misses machine localhost', () => {
    // real: new URI("http://LocalHost:8080/labkey").getHost() = "LocalHost"; getEntry = null
    const text = `machine localhost\nlogin apikey\npassword ${KEY}\n`;
    const r = netrcReadersView('http://LocalHost:8080/labkey', home(text));
    expect(java(r)).toMatchObject({ outcome: 'no-entry', sameKeyAsLk: false });
    expect(java(r).why).toContain('machine LocalHost');
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'host-case', readers: ['java'] })]));
    // and the lower-case URL still finds it
    expect(java(netrcReadersView('http://localhost:8080/labkey', home(text)))).toMatchObject({ outcome: 'found', sameKeyAsLk: true });
    // an upper-case URL finds an entry written in that case
    expect(java(netrcReadersView('http://LocalHost:8080/labkey', home(`machine LocalHost login apikey password ${KEY}\n`)))).toMatchObject({ outcome: 'found' });
  });

  test('~/.netrc that exists but cannot be read (a directory): the Java client throws, and does not go on to ~/_netrc', () => {
    // real: getEntry(host) throws java.io.FileNotFoundException (.netrc exists(), FileReader fails)
    const u = { path: '/h/_netrc', text: `machine lk.example.org login apikey password ${KEY}\n` };
    const r = netrcReadersView('https://lk.example.org/labkey', { platform: 'linux', dotNetrc: { path: '/h/.netrc', text: undefined, unreadable: true }, underscoreNetrc: u, lkFile: u });
    expect(java(r)).toMatchObject({ outcome: 'rejects-file', file: '/h/.netrc', sameKeyAsLk: false });
    expect(java(r).why).toContain('IOException');
    const alone = netrcReadersView('https://lk.example.org/labkey', { platform: 'linux', dotNetrc: { path: '/h/.netrc', text: undefined, unreadable: true }, underscoreNetrc: { path: '/h/_netrc', text: undefined } });
    expect(java(alone)).toMatchObject({ outcome: 'rejects-file' });
  });
});
