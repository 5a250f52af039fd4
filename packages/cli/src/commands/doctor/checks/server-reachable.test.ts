import { createServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { useMockServer } from '../../../testing/harness.js';
import { useSchemePorts } from '../../../testing/scheme-ports.js';
import { useDoctorHarness } from '../testing.js';
import { serverReachable } from './server-reachable.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe('check: server and context path', () => {
  const server = useMockServer(); // context path /labkey
  const root = useMockServer({ contextPath: '' });
  const h = useDoctorHarness(server);
  // A web server with no LabKey behind it: an HTML 404 for every path.
  const notLabkey = { origin: '' };
  let web: HttpServer;
  beforeAll(async () => {
    web = createHttpServer((_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    notLabkey.origin = `http://127.0.0.1:${(web.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => web.close(() => r())));

  it('the right base URL passes and says where it came from', async () => {
    expect(await h.check(serverReachable)).toMatchObject({ status: 'pass', detail: `${server.url} (from --server) answers login-whoAmI.api.` });
    h.setEnv({ LABKEY_SERVER: server.url });
    const { gatherFacts } = await import('../facts.js');
    expect((await serverReachable.run(await gatherFacts({}, h.deps))).detail).toBe(`${server.url} (from LABKEY_SERVER) answers login-whoAmI.api.`);
  });

  it('without /labkey on a /labkey server: wrong context path, and /labkey works', async () => {
    const r = await h.check(serverReachable, { server: server.origin });
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(
      `Wrong context path: ${server.origin}/login-whoAmI.api answered 404 without LabKey JSON: there is no LabKey API at that URL; but ${server.url} works.`,
    );
    expect(r.fix).toBe(`Use --server ${server.url}.`);
  });

  it('with /labkey on a root-context server: wrong context path, and the root works', async () => {
    const r = await h.check(serverReachable, { server: `${root.origin}/labkey` });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^Wrong context path: .*\/labkey\/login-whoAmI\.api .*; but http:\/\/127\.0\.0\.1:\d+ works\.$/);
    expect(r.fix).toBe(`Use --server ${root.origin}.`);
  });

  it('a base URL that ends in a folder (answers whoAmI too): names the base URL and the folder', async () => {
    const r = await h.check(serverReachable, { server: `${server.url}/home` });
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(
      `${server.url}/home (from --server) ends in a folder path: ${server.url} is the server's base URL, and "/home" is a folder (container) in it. Requests would go to folders under /home.`,
    );
    expect(r.fix).toBe(`Use --server ${server.url} --container /home.`);
    const onRoot = await h.check(serverReachable, { server: `${root.origin}/home` });
    expect(onRoot).toMatchObject({ status: 'fail', fix: `Use --server ${root.origin} --container /home.` });
  });

  it('a context path that is neither, on a web server with no LabKey anywhere: says so', async () => {
    const r = await h.check(serverReachable, { server: `${notLabkey.origin}/nothing/here` });
    expect(r.status).toBe('fail');
    expect(r.detail).toContain(': neither looks like a LabKey server');
  });

  it('a mistyped context path (/labkye, /nothing/here): the usual base where LabKey answers is named', async () => {
    // Before: "…/labkye/login-whoAmI.api answered 404 …; …/labkye/labkey/login-whoAmI.api answered 404 …: neither looks like a LabKey server's base URL."
    for (const typo of [`${server.origin}/labkye`, `${server.origin}/nothing/here`]) {
      const r = await h.check(serverReachable, { server: typo });
      expect(r.status).toBe('fail');
      expect(r.detail).toMatch(new RegExp(`^Wrong context path: .*; but ${server.url.replace(/\./g, '\\.')} works\\.$`));
      expect(r.fix).toBe(`Use --server ${server.url}.`);
    }
  });

  it('nothing listening: cannot reach', async () => {
    const port = await freePort();
    const r = await h.check(serverReachable, { server: `http://127.0.0.1:${port}/labkey` });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(new RegExp(`^Cannot reach http://127\\.0\\.0\\.1:${port}/labkey/login-whoAmI\\.api \\(.*\\)\\.$`));
  });

  it('an HTTP server that is not LabKey (HTML everywhere) is not taken for one', async () => {
    const { createServer: createHttp } = await import('node:http');
    const html = createHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title><form>login</form>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', () => r()));
    const port = (html.address() as { port: number }).port;
    try {
      const r = await h.check(serverReachable, { server: `http://127.0.0.1:${port}/labkey` });
      expect(r.status).toBe('fail');
      expect(r.detail).toContain('HTML');
    } finally {
      await new Promise((r) => html.close(r));
    }
  });

  it('a broken lk config does not stop the diagnosis: the server check names it', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(h.home, '.config', 'lk'), { recursive: true });
    writeFileSync(join(h.home, '.config', 'lk', 'servers.json'), '{ not json');
    const { diagnose } = await import('../doctor.js');
    const r = await diagnose({}, h.deps);
    const c = r.checks.find((x) => x.id === 'server')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('servers.json is not usable: not valid JSON');
  });
});

describe("check: server and context path, the scheme against the port (the SDK's schemeMismatch; real sockets: the mock over plain HTTP, a Tomcat-style TLS port, an SSH port)", () => {
  const server = useMockServer();
  const ports = useSchemePorts(() => server.port);
  const h = useDoctorHarness(server);

  it('https:// to the plain-HTTP port: names what the port speaks and the http:// URL, not OpenSSL\'s words', async () => {
    // Before the SDK's rule: "Cannot reach …/login-whoAmI.api (network error ERR_SSL_WRONG_VERSION_NUMBER: …SSL routines…)".
    const https = server.url.replace('http://', 'https://');
    const r = await h.check(serverReachable, { server: https });
    expect(r).toMatchObject({
      status: 'fail',
      detail: `${https} (from --server): port ${server.port} of 127.0.0.1 answers plain HTTP, not TLS (https).`,
      fix: `Use --server ${server.url}: the key then travels unencrypted, so only on a trusted network; or use the server's https:// port.`,
    });
    h.setEnv({ LABKEY_SERVER: https });
    const { gatherFacts } = await import('../facts.js');
    expect((await serverReachable.run(await gatherFacts({}, h.deps))).fix).toBe(
      `Use --server ${server.url} (and \`lk auth login --server ${server.url}\` to remember it): the key then travels unencrypted, so only on a trusted network; or use the server's https:// port.`,
    );
  });

  it("http:// to a Tomcat-style TLS port (Tomcat's own 400 to plain HTTP): says the port speaks TLS, and to use https://", async () => {
    // Before the SDK's rule: "…answered 400; …answered 400: neither looks like a LabKey server's base URL."
    const url = `http://127.0.0.1:${ports.tomcat}/labkey`;
    const r = await h.check(serverReachable, { server: url });
    expect(r).toMatchObject({
      status: 'fail',
      detail: `${url} (from --server): port ${ports.tomcat} of 127.0.0.1 speaks TLS (https), not plain HTTP.`,
      fix: `Use --server https://127.0.0.1:${ports.tomcat}/labkey.`,
    });
  });

  it('https:// to a port that speaks neither TLS nor HTTP (SSH): cannot reach, as before', async () => {
    const r = await h.check(serverReachable, { server: `https://127.0.0.1:${ports.ssh}/labkey` });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(new RegExp(`^Cannot reach https://127\\.0\\.0\\.1:${ports.ssh}/labkey/login-whoAmI\\.api \\(`));
    expect(r.detail).not.toContain('plain HTTP');
  });
});
