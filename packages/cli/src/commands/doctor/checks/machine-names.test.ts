import { outcomeOf } from '../doctor.js';
import { useDoctorHarness } from '../testing.js';
import { machineNames } from './machine-names.js';

describe('check: machine names (scheme, port, path never match)', () => {
  const h = useDoctorHarness();

  it('bare hostnames pass', async () => {
    h.write(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect(await h.check(machineNames)).toMatchObject({ status: 'pass' });
  });

  it("the server's entry with scheme, port and path fails; --fix rewrites only that token (CRLF file, comments kept)", async () => {
    const key = h.key();
    const before = `# work\r\nmachine a.org login apikey password lk_test_0001\r\n\r\nmachine ${h.server.url}\r\n  login apikey\r\n  password ${key}\r\n# end\r\n`;
    h.write(before);
    const r = await h.check(machineNames);
    expect(r).toMatchObject({
      status: 'fail',
      detail: `lines 4-6: \`machine ${h.server.url}\` holds a scheme (http://) and a port (:${h.server.port}) and a path (/labkey); it never matches any server.`,
      fix: 'change line 4 to `machine 127.0.0.1` (`lk doctor --fix` rewrites the names it can)',
    });
    const d = await h.diagnose();
    expect(outcomeOf(d.checks)).toBe('problems'); // misnamed, not rejected
    const f = await h.diagnose({ fix: true });
    expect(f.fixed).toEqual([{ id: 'rewrite-machine', description: `rewrote \`machine ${h.server.url}\` (lines 4-6) to \`machine 127.0.0.1\`` }]);
    expect(h.read()).toBe(before.replace(`machine ${h.server.url}`, 'machine 127.0.0.1'));
    expect(h.read(h.backups()[0]!)).toBe(before);
    expect(outcomeOf(f.checks)).toBe('ok');
  });

  it('another host with a port: a warning, and --fix rewrites it too', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\nmachine other.org:8080 login apikey password lk_test_0002\n`);
    expect((await h.check(machineNames)).status).toBe('warn');
    await h.diagnose({ fix: true });
    expect(h.read()).toContain('\nmachine other.org login apikey password lk_test_0002\n');
  });

  it('is not rewritten when a bare entry for that host exists (that would change which key wins)', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\nmachine 127.0.0.1:8080 login apikey password lk_test_0002\n`);
    const r = await h.check(machineNames);
    expect(r).toMatchObject({ status: 'fail', fix: 'delete line 2 (an entry for 127.0.0.1 already exists)' });
    expect(r.repairs).toEqual([]);
  });

  it('a comma in the name is reported, never rewritten', async () => {
    h.write('machine a.org, login apikey password lk_test_0001\n');
    const r = await h.check(machineNames);
    expect(r.detail).toContain('holds a comma');
    expect(r.repairs).toEqual([]);
  });
});
