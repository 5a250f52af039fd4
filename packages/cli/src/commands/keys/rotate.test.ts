import { createServer, request, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runLogin } from '../auth/login.js';
import { rotateCommand, runRotate } from './rotate.js';

/**
 * A loopback HTTP proxy in front of the mock that goes dark (closes its port and every open
 * connection) right after the answer to the first request whose path matches `cutAfter` has
 * gone through: the network dies at that point of the rotation, as a real outage would.
 */
async function startCuttingProxy(target: string, cut: { after?: RegExp; before?: RegExp }): Promise<{ url: string; server: Server; cutAt: () => string | undefined }> {
  const to = new URL(target);
  let cutAt: string | undefined;
  const server = createServer((req, res) => {
    const die = () => {
      cutAt ??= req.url;
      server.close();
      server.closeAllConnections();
    };
    if (cut.before?.test(req.url ?? '')) return die();
    const up = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => {
        if (cut.after?.test(req.url ?? '')) res.on('finish', die);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}${to.pathname === '/' ? '' : to.pathname}`, server, cutAt: () => cutAt };
}

describe('lk keys rotate', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();
    it('maps --description and --server', async () => {
      expect(await parseOnly(rotateCommand, deps, ['rotate', '--description', 'laptop 2', '--server', 'http://h'])).toEqual([{ description: 'laptop 2', server: 'http://h' }]);
    });
  });

  describe('against the mock server', () => {
    const server = useMockServer();
    let deps: TestDeps;

    /** Logs `email` in with a fresh key stored in `store`; returns the key and its row. */
    const login = async (email: string, store: 'netrc' | 'keychain' = 'netrc', url = server.url) => {
      const issued = server.state.issueApiKey(email, { description: `${email} laptop` });
      deps = await createTestDeps({ stdin: issued.key });
      await runLogin({ server: url, withToken: true, store }, deps);
      return issued;
    };
    const netrcText = () => readFileSync(join(deps.home, '.netrc'), 'utf8');
    /** What the mock says of a key: whose it is, or undefined (a 401 to any request). */
    const owner = (key: string) => server.state.lookupApiKey(key)?.user.email;
    const storedKeys = () => [...netrcText().matchAll(/password ([0-9a-f]{64})/g)].map((m) => m[1]);

    it('leaves exactly one working key stored in the same netrc entry and revokes the old one', async () => {
      server.state.addUser({ email: 'rita@lk.test', password: 'rita-password' });
      const old = await login('rita@lk.test');
      writeFileSync(join(deps.home, '.netrc'), `# my hosts\nmachine other.example.org login apikey password keep-me\n${netrcText()}`);
      const r = await runRotate({}, deps);
      const stored = storedKeys();
      expect(stored).toHaveLength(1);
      const newKey = stored[0]!;
      expect(newKey).not.toBe(old.key);
      expect(owner(newKey)).toBe('rita@lk.test');
      expect(owner(old.key)).toBeUndefined();
      expect(netrcText()).toContain('# my hosts\nmachine other.example.org login apikey password keep-me\n');
      const rows = server.state.listApiKeys('rita@lk.test');
      expect(rows.map((x) => x.RowId)).toEqual([r.rowId]);
      expect(rows[0]?.Description).toBe('rita@lk.test laptop');
      expect(r.revoked).toBe(old.rowId);
      const cfg = await deps.config.load();
      expect(Object.values(cfg.keys).map((k) => k.rowId)).toEqual([r.rowId]);
      expect(deps.io.stderr()).toContain(`✓ Revoked the old key (row ${old.rowId})`);
      expect(deps.io.stderr() + deps.io.stdout()).not.toContain(newKey);
      // And lk goes on working with the new key.
      const again = await runRotate({ description: 'second' }, deps);
      expect(again.revoked).toBe(r.rowId);
      expect(server.state.listApiKeys('rita@lk.test').map((x) => x.Description)).toEqual(['second']);
    });

    it('replaces the keychain item when the key is kept there', async () => {
      server.state.addUser({ email: 'kai@lk.test', password: 'kai-password' });
      const old = await login('kai@lk.test', 'keychain');
      const { KEYCHAIN_SERVICE, keychainAccountFor } = await deps.sdk();
      const r = await runRotate({}, deps);
      const item = await deps.keychain.get(KEYCHAIN_SERVICE, keychainAccountFor(server.url));
      expect(item).toMatch(/^[0-9a-f]{64}$/);
      expect(item).not.toBe(old.key);
      expect(owner(item!)).toBe('kai@lk.test');
      expect(owner(old.key)).toBeUndefined();
      expect(r.stored).toContain('keychain');
    });

    it('network gone right after createApiKey answers: the old key is still stored and works', async () => {
      const proxy = await startCuttingProxy(server.url, { after: /createApiKey/ });
      try {
        server.state.addUser({ email: 'nina@lk.test', password: 'nina-password' });
        const old = await login('nina@lk.test', 'netrc', proxy.url);
        const before = netrcText();
        const err = await runRotate({}, deps).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(proxy.cutAt()).toMatch(/createApiKey/);
        expect(err).toMatchObject({ code: 'LK_ROTATE_FAILED', message: expect.stringContaining('The old key is still stored in') });
        expect(netrcText()).toBe(before);
        expect(storedKeys()).toEqual([old.key]);
        expect(owner(old.key)).toBe('nina@lk.test');
        // The new key exists on the server (lk could not reach it to revoke it) and the message says how to find it.
        expect(server.state.listApiKeys('nina@lk.test')).toHaveLength(2);
        expect((err as Error).message).toContain('`lk keys list` shows it');
        // lk still works with the stored old key: the same rotation, straight to the mock this time, goes through.
        await expect(runRotate({ server: server.url }, deps)).resolves.toMatchObject({ revoked: old.rowId });
      } finally {
        proxy.server.close();
      }
    });

    it('network gone when the old key is to be revoked: the new key stays stored and lk says so', async () => {
      const proxy = await startCuttingProxy(server.url, { before: /deleteRows/ });
      try {
        server.state.addUser({ email: 'olga@lk.test', password: 'olga-password' });
        const old = await login('olga@lk.test', 'netrc', proxy.url);
        await expect(runRotate({}, deps)).rejects.toMatchObject({
          code: 'LK_OLD_KEY_NOT_REVOKED',
          message: expect.stringContaining(`revoking the old key (row ${old.rowId}) failed`),
          hint: `Revoke it with \`lk keys revoke ${old.rowId}\` (lk now uses the new key).`,
        });
        const [stored] = storedKeys();
        expect(stored).not.toBe(old.key);
        expect(owner(stored!)).toBe('olga@lk.test');
        expect(owner(old.key)).toBe('olga@lk.test');
      } finally {
        proxy.server.close();
      }
    });

    it('an old key whose row lk only guessed at login (from LastUsed) is not revoked', async () => {
      const old = server.state.issueApiKey('bob@lk.test');
      server.state.issueApiKey('bob@lk.test');
      deps = await createTestDeps({ stdin: old.key });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(Object.values((await deps.config.load()).keys)).toContainEqual(expect.objectContaining({ rowId: old.rowId, rowIdFrom: 'last-used' }));
      const r = await runRotate({}, deps);
      expect(r.revoked).toBeUndefined();
      expect(owner(old.key)).toBe('bob@lk.test');
      expect(deps.io.stderr()).toContain(`row ${old.rowId}: created`);
      // The new key's row is known for certain: the next rotation revokes it.
      expect((await runRotate({}, deps)).revoked).toBe(r.rowId);
    });

    it('an old key whose row lk never recorded is not revoked: lk lists the rows it may be', async () => {
      const a = server.state.issueApiKey('alice@lk.test', { description: 'hand-written' });
      const b = server.state.issueApiKey('alice@lk.test', { description: 'other' });
      deps = await createTestDeps();
      const host = new URL(server.url).hostname;
      writeFileSync(join(deps.home, '.netrc'), `machine ${host} login apikey password ${a.key}\n`, { mode: 0o600 });
      const r = await runRotate({ server: server.url }, deps);
      expect(r.revoked).toBeUndefined();
      expect(owner(a.key)).toBe('alice@lk.test');
      expect(storedKeys()).not.toContain(a.key);
      expect(owner(storedKeys()[0]!)).toBe('alice@lk.test');
      expect(deps.io.stderr()).toContain('lk does not know its row for certain, so it did not revoke it');
      expect(deps.io.stderr()).toContain(`row ${a.rowId}: created`);
      expect(deps.io.stderr()).toContain(`row ${b.rowId}: created`);
    });

    it('a key from the environment cannot be replaced: nothing is created', async () => {
      const k = server.state.issueApiKey('bob@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: k.key } });
      const n = server.state.listApiKeys('bob@lk.test').length;
      await expect(runRotate({ server: server.url }, deps)).rejects.toMatchObject({ code: 'LK_KEY_FROM_ENV' });
      expect(server.state.listApiKeys('bob@lk.test')).toHaveLength(n);
    });
  });
});
