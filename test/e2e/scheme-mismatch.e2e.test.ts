/**
 * A server URL whose scheme is the wrong one for its port, through the built lk: `lk auth login`
 * and `lk doctor` both ask the SDK's schemeMismatch (one rule), and say what the port speaks.
 * Outside parties: the mock server over plain HTTP; a Tomcat-style port (LabKey runs on Tomcat)
 * that answers a plain request with Tomcat's own 400 "This combination of host and port requires
 * TLS." and a TLS hello with TLS in front of the mock (a throw-away certificate made by Debian's
 * openssl); and a port that greets in SSH. The probes run inside the bundled bin, where a dynamic
 * import of a Node builtin fails: these tests are what sees that.
 */
import { useSchemePorts } from '../../packages/cli/src/testing/scheme-ports.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';
import { useTempHome } from '../helpers/temp-home.js';
import { withMockServer } from '../helpers/with-mock-server.js';

expectNoLeaks();
jest.setTimeout(120_000);

describe('the scheme against the port: lk auth login and lk doctor say the same thing', () => {
  const mock = withMockServer();
  const ports = useSchemePorts(() => mock.server.port);
  const home = useTempHome();
  const key = () => trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);

  it('https:// to the plain-HTTP port: login and doctor name the http:// URL, with no OpenSSL text', async () => {
    const https = mock.url.replace('http://', 'https://');
    const login = await runLk(['auth', 'login', '--server', https, '--with-token'], { home, stdin: key(), timeoutMs: 60_000 });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`lk: 127.0.0.1:${mock.server.port} does not speak TLS: the port answers plain HTTP, so https:// cannot work there, and ${mock.url} answers like LabKey.`);
    const doctor = await runLk(['doctor', '--server', https], { home, timeoutMs: 60_000 });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`[FAIL] server and context path: ${https} (from --server): port ${mock.server.port} of 127.0.0.1 answers plain HTTP, not TLS (https).`);
    expect(doctor.stdout).toContain(`fix: Use --server ${mock.url}: the key then travels unencrypted`);
    for (const r of [login, doctor]) expect(r.stdout + r.stderr).not.toMatch(/SSL routines|ERR_SSL|dynamic import/i);
    expect(home.netrcExists()).toBe(false);
  });

  it("http:// to a Tomcat-style TLS port (Tomcat's own 400 to plain HTTP), certificate trusted: login and doctor say to use https://", async () => {
    const plain = `http://127.0.0.1:${ports.tomcat}/labkey`;
    const secure = `https://127.0.0.1:${ports.tomcat}/labkey`;
    const env = { NODE_EXTRA_CA_CERTS: ports.certFile };
    const login = await runLk(['auth', 'login', '--server', plain, '--with-token'], { home, env, stdin: key(), timeoutMs: 60_000 });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`lk: 127.0.0.1:${ports.tomcat} speaks HTTPS, not plain HTTP, and ${secure} answers like LabKey: use https://, not http://. lk did not ask for a key and stored nothing.`);
    expect(login.stderr).toContain(`hint: Run \`lk auth login --server ${secure}\`.`);
    const doctor = await runLk(['doctor', '--server', plain], { home, env, timeoutMs: 60_000 });
    expect(doctor.code).toBe(1);
    // Before the doctor asked the SDK's rule: "…answered 400; …answered 400: neither looks like a LabKey server's base URL."
    expect(doctor.stdout).toContain(`[FAIL] server and context path: ${plain} (from --server): port ${ports.tomcat} of 127.0.0.1 speaks TLS (https), not plain HTTP.`);
    expect(doctor.stdout).toContain(`fix: Use --server ${secure}.`);
    // And the https:// URL it names works, with the key.
    const ok = await runLk(['auth', 'login', '--server', secure, '--with-token'], { home, env, stdin: key(), timeoutMs: 60_000 });
    expect(ok.stderr).toContain(`Logged in to ${secure} as alice@lk.test`);
    expect(ok.code).toBe(0);
  });

  it('https:// to a port that speaks neither TLS nor HTTP (SSH): neither command calls it plain HTTP', async () => {
    const url = `https://127.0.0.1:${ports.ssh}/labkey`;
    const login = await runLk(['auth', 'login', '--server', url, '--with-token'], { home, stdin: key(), timeoutMs: 60_000 });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`lk: Cannot reach ${url} (`);
    const doctor = await runLk(['doctor', '--server', url], { home, timeoutMs: 60_000 });
    expect(doctor.stdout).toContain(`[FAIL] server and context path: Cannot reach ${url}/login-whoAmI.api (`);
    for (const r of [login, doctor]) expect(r.stdout + r.stderr).not.toContain('plain HTTP');
  });
});
