import { createServer } from 'node:net';
import { useMockServer } from '../../../testing/harness.js';
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

  it('a context path that is neither: says so', async () => {
    const r = await h.check(serverReachable, { server: `${server.origin}/nothing/here` });
    expect(r.status).toBe('fail');
    expect(r.detail).toContain(': neither looks like a LabKey server');
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
