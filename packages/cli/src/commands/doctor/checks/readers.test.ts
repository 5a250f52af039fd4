import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useDoctorHarness } from '../testing.js';
import { readers } from './readers.js';

describe('check: other netrc readers (Python, R, curl, LabKey Java)', () => {
  const h = useDoctorHarness();
  const stale = () => h.secret('b'.repeat(64));

  it('one clean entry: every reader sends the key lk uses', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const r = await h.check(readers);
    expect(r.status).toBe('pass');
    expect(r.detail).toMatch(/^Python \(requests, netrc\), R \(Rlabkey, libcurl\), curl and LabKey Java client all send key [0-9a-f]{8}, the one lk uses\.$/);
  });

  it('duplicates: names Python as the reader that sends the stale key; --fix keeps the accepted key, every reader then agrees', async () => {
    const key = h.key();
    const old = stale();
    h.write(`# mine\nmachine 127.0.0.1 login apikey password ${key}\nmachine git.example.org login me password pw\nmachine 127.0.0.1 login apikey password ${old}\n`);
    const r = await h.check(readers);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain('✗ Python (requests, netrc): ');
    expect(r.detail).toContain('it sends another key');
    expect(r.detail).toContain('Python reads the last (line 4)');
    expect(r.fix).toContain('`lk doctor --fix` rewrites lk\'s entry');
    const f = await h.diagnose({ fix: true });
    expect(f.fixed.map((x) => x.id)).toContain('readers-tidy-entry');
    expect(h.read()).toBe(`# mine\nmachine 127.0.0.1 login apikey password ${key}\nmachine git.example.org login me password pw\n`);
    expect(f.checks.find((c) => c.id === 'netrc-readers')?.status).toBe('pass');
  });

  it("port on lk's entry: Python rejects the whole file; --fix takes the token out", async () => {
    const key = h.key();
    h.write(`machine 127.0.0.1 login apikey password ${key} port 8080\n`);
    const r = await h.check(readers);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain("✗ Python (requests, netrc): ");
    expect(r.detail).toContain("Python's netrc module rejects");
    expect(r.detail).toContain('runs as guest');
    await h.diagnose({ fix: true });
    expect(h.read()).toBe(`machine 127.0.0.1 login apikey password ${key}\n`);
  });

  it('port on another entry: named, explained, not touched', async () => {
    const before = `machine git.example.org login me password pw port 22\nmachine 127.0.0.1 login apikey password ${h.key()}\n`;
    h.write(before);
    const r = await h.check(readers);
    expect(r.detail).toContain("Python's netrc module rejects");
    expect(r.repairs).toEqual([]);
    expect(r.fix).toContain('Remove that token from line 1');
    await h.diagnose({ fix: true });
    expect(h.read()).toBe(before);
  });

  it('password before login: the Java client finds nothing; --fix puts login first', async () => {
    const key = h.key();
    h.write(`machine 127.0.0.1 password ${key} login apikey\n`);
    const r = await h.check(readers);
    expect(r.detail).toContain('✗ LabKey Java client: ');
    expect(r.detail).toContain('not in the order machine, login, password');
    await h.diagnose({ fix: true });
    expect(h.read()).toBe(`machine 127.0.0.1 login apikey password ${key}\n`);
  });

  it('NETRC elsewhere: R, curl and Java read ~/.netrc; explained, not fixed', async () => {
    mkdirSync(join(h.home, 'elsewhere'));
    const file = h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o600, 'elsewhere/netrc');
    h.setEnv({ NETRC: file });
    const r = await h.check(readers);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain(`NETRC points at ${file}: lk and Python read it, but R (libcurl), curl before 8.16 and the Java client read ~/.netrc`);
    expect(r.detail).toContain('✗ curl: ');
    expect(r.repairs).toEqual([]);
    expect(r.fix).toContain('Unset NETRC');
  });

  it('only ~/_netrc: curl and R do not read it', async () => {
    const file = h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o600, '_netrc');
    const r = await h.check(readers);
    expect(r.detail).toContain(`there is only ${file}: requests and Java read it, but curl and R (libcurl) read only ~/.netrc here`);
    expect(r.detail).toContain('✓ LabKey Java client');
    expect(r.detail).toContain('✗ R (Rlabkey, libcurl)');
    expect(r.fix).toContain(`mv ${file}`);
  });
});
