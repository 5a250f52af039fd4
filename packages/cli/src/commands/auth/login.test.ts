import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer } from '@lk/mock-server';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { useSchemePorts } from '../../testing/scheme-ports.js';
import { loginCommand, runLogin } from './login.js';

describe('lk auth login', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps every flag', async () => {
      const [opts] = await parseOnly(loginCommand, deps, [
        'login', '--server', 'http://h/labkey', '--with-token', '--store', 'keychain', '--auth', 'basic', '--strip-prefix', '--container', '/Shared',
      ]);
      expect(opts).toEqual({ server: 'http://h/labkey', withToken: true, store: 'keychain', auth: 'basic', stripPrefix: true, container: '/Shared' });
    });

    it('has no defaults of its own (they come from the config)', async () => {
      const [opts] = await parseOnly(loginCommand, deps, ['login']);
      expect(opts).toEqual({});
    });

    it('rejects an unknown store or scheme as a usage error', async () => {
      await expect(parseOnly(loginCommand, deps, ['login', '--store', 'file'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
      await expect(parseOnly(loginCommand, deps, ['login', '--auth', 'digest'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    });

    it('never takes the key as an argument', async () => {
      await expect(parseOnly(loginCommand, deps, ['login', 'lk_test_0000000000000001'])).rejects.toMatchObject({ code: 'commander.excessArguments' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;

    const netrc = () => join(deps.home, '.netrc');
    /** A new entry, as the SDK's writer lays it out in a new file. */
    const entry = (key: string) => `machine 127.0.0.1\nlogin apikey\npassword ${key}\n`;

    it('a server URL that ends in a folder: refused as lk doctor words it, before the key is read; nothing stored', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `${key}\n` });
      await expect(runLogin({ server: `${server.url}/home`, withToken: true }, deps)).rejects.toMatchObject({
        code: 'LK_USAGE',
        message: `${server.url}/home (from --server) ends in a folder path: ${server.url} is the server's base URL, and "/home" is a folder (container) in it. Requests would go to folders under /home. lk did not log in and stored nothing.`,
        hint: `Run \`lk auth login --server ${server.url} --container /home\`.`,
      });
      expect(existsSync(netrc())).toBe(false);
      expect((await deps.config.load()).servers).toEqual({});
    });

    it('reads the key from stdin, checks it, writes netrc 0600 keeping other entries, records the server', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test', { description: 'login test', expirationSeconds: 3600 });
      deps = await createTestDeps({ stdin: `  ${key}\n` });
      writeFileSync(netrc(), '# mine\nmachine other.example.org login bob password x\n', { mode: 0o644 });

      await runLogin({ server: server.url, withToken: true }, deps);

      const text = readFileSync(netrc(), 'utf8');
      expect(text).toBe(`# mine\nmachine other.example.org login bob password x\nmachine 127.0.0.1 login apikey password ${key}\n`);
      expect(statSync(netrc()).mode & 0o777).toBe(0o600);
      expect(deps.io.stdout()).toBe('');
      const config = await deps.config.load();
      const info = Object.values(config.keys)[0];
      expect(deps.io.stderr()).toBe(
        `✓ Logged in to ${server.url} as alice@lk.test (alice)\n` +
          `✓ Key stored in ${netrc()} (machine 127.0.0.1, login apikey)\n` +
          `  tightened the permissions of ${netrc()} from 644 to 600\n` +
          `  The key expires at ${info?.expiresAt}.\n`,
      );
      expect(config.defaultServer).toBe(server.url);
      expect(config.servers[server.url]).toEqual({ url: server.url, container: '/home', auth: 'apikey', store: 'netrc' });
      expect(JSON.stringify(config)).not.toContain(key);
    });

    it.each(['Bearer ', 'Authorization: Bearer ', 'apikey: ', 'apikey '])('a key pasted with a header prefix (%j) is stored bare, as LABKEY_API_KEY reads it', async (prefix) => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `${prefix}${key}\n` });
      await runLogin({ server: server.url, withToken: true }, deps);
      const text = readFileSync(netrc(), 'utf8');
      expect(text).toContain(`password ${key}\n`);
      expect(text).not.toMatch(/bearer|authorization|apikey:|apikey [0-9a-f]/i);
      expect(deps.io.stderr()).toContain(`✓ Logged in to ${server.url} as alice@lk.test`);
    });

    it('only ~/_netrc: the key goes there, and one line names the clients that do not read it', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `${key}\n` });
      const underscore = join(deps.home, '_netrc');
      writeFileSync(underscore, 'machine other.example.org login bob password x\n', { mode: 0o600 });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(readFileSync(underscore, 'utf8')).toContain(`machine 127.0.0.1 login apikey password ${key}`);
      const lines = deps.io.stderr().split('\n').filter((l) => l.includes('not every client reads'));
      expect(lines).toEqual([`  not every client reads ${underscore}: R (Rlabkey, libcurl) and curl read ${netrc()} (which does not exist) (see lk doctor)`]);
    });

    it('a file every client reads: no such line', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `${key}\n` });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(deps.io.stderr()).not.toContain('not every client reads');
    });

    it('learns the expiry of the key when it can tell which row it is', async () => {
      server.state.addUser({ email: 'carol@lk.test', password: 'carol-password' });
      const { key, rowId } = server.state.issueApiKey('carol@lk.test', { expirationSeconds: 3600 });
      deps = await createTestDeps({ stdin: key });
      const r = await runLogin({ server: server.url, withToken: true }, deps);
      const info = (await deps.config.load()).keys[r.fingerprint];
      expect(info).toMatchObject({ fingerprint: r.fingerprint, server: server.url, rowId });
      expect(typeof info?.expiresAt).toBe('string');
      expect(deps.io.stderr()).toContain(`The key expires at ${info?.expiresAt}.`);
    });

    it('refuses while LABKEY_API_KEY is set, and says why', async () => {
      deps = await createTestDeps({ stdin: 'x', env: { LABKEY_API_KEY: 'lk_test_0000000000000001' } });
      await expect(runLogin({ server: server.url, withToken: true }, deps)).rejects.toMatchObject({
        code: 'LK_ENV_KEY_SET',
        message: 'LABKEY_API_KEY is set, so lk would keep using that key and ignore the one you store now.',
      });
      expect(existsSync(netrc())).toBe(false);
    });

    it('does not save a key the server rejects', async () => {
      deps = await createTestDeps({ stdin: 'lk_test_0000000000000000000000000000000000000000000000000000000000000002' });
      await expect(runLogin({ server: server.url, withToken: true }, deps)).rejects.toMatchObject({ code: 'LK_API_KEY_REJECTED' });
      expect(existsSync(netrc())).toBe(false);
      expect(existsSync(deps.config.file)).toBe(false);
    });

    it('explains a rejected key in login terms, not as a shadowed "apiKey option"', async () => {
      const { key: stored } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: '0'.repeat(64) });
      writeFileSync(netrc(), entry(stored), { mode: 0o600 });
      const e = await runLogin({ server: server.url, withToken: true }, deps).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'LK_API_KEY_REJECTED' });
      const { message, hint } = e as { message: string; hint: string };
      expect(message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/labkey did not accept the key you gave \(fingerprint [0-9a-f]{8}\)/);
      expect(`${message} ${hint}`).not.toMatch(/apiKey option|shadows|Remove the key/);
      expect(hint).toContain('security-externalToolsView.view');
      expect(readFileSync(netrc(), 'utf8')).toBe(entry(stored));

      deps.cleanup();
      deps = await createTestDeps({ stdin: 'hello' });
      await expect(runLogin({ server: server.url, withToken: true }, deps)).rejects.toMatchObject({
        code: 'LK_API_KEY_REJECTED',
        message: expect.stringMatching(/^That is not a LabKey API key .*64 lower-case hex/),
      });
    });

    it('a netrc file that does not parse is left alone, and the error names it', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      const broken = 'machine other.example.org login bob password "abc\n';
      writeFileSync(netrc(), broken, { mode: 0o600 });
      await expect(runLogin({ server: server.url, withToken: true }, deps)).rejects.toMatchObject({
        code: 'LK_NETRC_SYNTAX',
        message: `${netrc()} line 1, column 46: unterminated quoted token (a quoted token must close on its own line). lk left the file unchanged and stored nothing.`,
        hint: `Fix ${netrc()} at line 1 (\`lk doctor\` shows the problem), then run \`lk auth login\` again.`,
      });
      expect(readFileSync(netrc(), 'utf8')).toBe(broken);
    });

    it('--container naming a folder that is not there: logs in, and warns that commands would use it', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true, container: '/nope' }, deps);
      expect(deps.io.stderr()).toContain(
        `! The container /nope was not found on ${server.url} (or you cannot read it), yet commands use it by default.\n` +
          '  Run `lk auth login --container /path` again with a folder that exists (e.g. /home), or pass --container to each command.\n',
      );
      deps.cleanup();
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true, container: '/home' }, deps);
      expect(deps.io.stderr()).not.toContain('was not found');
    });

    it('keeps an apikey| prefix non-interactively, then stores the key without it when only that works', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `apikey|${key}\n` });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(readFileSync(netrc(), 'utf8')).toBe(entry(key));
      expect(deps.io.stderr()).toContain('! The key starts with "apikey|".');
      expect(deps.io.stderr()).toContain('! The server rejected the key with its "apikey|" prefix and accepted it without: storing it without the prefix.\n');
    });

    it('keeps a legacy key that really has the prefix', async () => {
      const legacy = `apikey|${'0123456789abcdef'.repeat(2)}`;
      server.state.seedApiKey('bob@lk.test', legacy);
      deps = await createTestDeps({ stdin: legacy });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(readFileSync(netrc(), 'utf8')).toBe(entry(legacy));
    });

    it('prompts on a terminal: shows the External Tool Access page, reads the key hidden, offers to strip the prefix', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdinIsTTY: true, answers: [`apikey|${key}`, 'y'] });
      await runLogin({ server: server.url }, deps);
      expect(deps.io.asked).toEqual(['Paste your API key (input is hidden): ', 'Strip the "apikey|" prefix? [Y/n] ']);
      expect(deps.io.stderr()).toContain(`Create a key on the External Tool Access page of ${server.url}:\n  ${server.url}/home/security-externalToolsView.view\n`);
      expect(readFileSync(netrc(), 'utf8')).toBe(entry(key));
    });

    it('on a terminal with no server known, asks for the server first', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdinIsTTY: true, answers: [`${server.url}/`, key] });
      await runLogin({}, deps);
      expect(deps.io.asked).toEqual([
        'LabKey server URL, with the context path (e.g. https://labkey.example.org/labkey): ',
        'Paste your API key (input is hidden): ',
      ]);
      expect((await deps.config.load()).defaultServer).toBe(server.url);
    });

    it('with no terminal and no --with-token, is a usage error', async () => {
      deps = await createTestDeps();
      await expect(runLogin({ server: server.url }, deps)).rejects.toMatchObject({ code: 'LK_USAGE', kind: 'usage' });
    });

    it('--store keychain puts the key in the keychain, not in netrc', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true, store: 'keychain' }, deps);
      expect(await deps.keychain.get('lk', server.url)).toBe(key);
      expect(existsSync(netrc())).toBe(false);
      expect(deps.io.stderr()).toContain(`✓ Key stored in the memory keychain (service lk, account ${server.url})\n`);
      expect((await deps.config.load()).servers[server.url]?.store).toBe('keychain');
    });

    it('--store keychain with a netrc entry for the host: says the file still has it (other tools read it)', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      writeFileSync(netrc(), `machine other.example.org login u password p\n${entry(key)}`, { mode: 0o600 });
      await runLogin({ server: server.url, withToken: true, store: 'keychain' }, deps);
      expect(deps.io.stderr()).toContain(
        `  ${netrc()} line 2 still has an entry for this host: lk now uses the keychain, but other tools (curl, Rlabkey) read the file. Delete that entry if the key should live only in the keychain.\n`,
      );
      expect(readFileSync(netrc(), 'utf8')).toContain(key);
    });

    it('moving a server from the keychain to netrc removes the old keychain item (it would shadow netrc)', async () => {
      const k1 = server.state.issueApiKey('alice@lk.test').key;
      const k2 = server.state.issueApiKey('alice@lk.test').key;
      deps = await createTestDeps({ stdin: k1 });
      await runLogin({ server: server.url, withToken: true, store: 'keychain' }, deps);
      Object.assign(deps.io, { readStdin: () => Promise.resolve(k2) });
      await runLogin({ server: server.url, withToken: true, store: 'netrc' }, deps);
      expect(await deps.keychain.get('lk', server.url)).toBeUndefined();
      expect(readFileSync(netrc(), 'utf8')).toBe(entry(k2));
      expect(deps.io.stderr()).toContain('  removed the previous key from the memory keychain (it would have shadowed the netrc entry)\n');
    });

    it('--auth bearer is checked with that scheme and remembered', async () => {
      const bearerServer = await startMockServer({ bearer: true });
      try {
        const { key } = bearerServer.state.issueApiKey('alice@lk.test');
        deps = await createTestDeps({ stdin: key });
        await runLogin({ server: bearerServer.url, withToken: true, auth: 'bearer' }, deps);
        // The first whoAmI is the guest check of the server, before the key is read; the last checks the key.
        expect(bearerServer.requests.filter((r) => r.action?.toLowerCase() === 'whoami').map((r) => r.authForm)).toEqual(['none', 'bearer']);
        expect((await deps.config.load()).servers[bearerServer.url]?.auth).toBe('bearer');
      } finally {
        await bearerServer.close();
      }
    });

    it('--auth bearer against a server before 26.3 is refused with what to run, and nothing is stored', async () => {
      const old = await startMockServer({ labkeyVersion: '25.7' });
      try {
        const { key } = old.state.issueApiKey('alice@lk.test');
        deps = await createTestDeps({ stdin: key });
        const e = await runLogin({ server: old.url, withToken: true, auth: 'bearer' }, deps).then(
          () => undefined,
          (x: unknown) => x as { code: string; message: string; hint?: string },
        );
        expect(e?.code).toBe('LK_API_KEY_REJECTED');
        expect(e?.message).toContain('does not read keys sent as `Authorization: Bearer`');
        expect(e?.hint).toContain('lk auth login --auth apikey');
        expect((await deps.config.load()).servers[old.url]).toBeUndefined();
      } finally {
        await old.close();
      }
    });
  });

  describe("the scheme against the port, before the key is read (the SDK's schemeMismatch; real sockets: the mock over plain HTTP, a Tomcat-style TLS port, an SSH port)", () => {
    const server = useMockServer();
    const ports = useSchemePorts(() => server.port);
    let deps: TestDeps;
    const refusal = async (url: string) => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: `${key}\n` });
      const e = await runLogin({ server: url, withToken: true }, deps).then(
        () => undefined,
        (x: unknown) => x as { code: string; message: string; hint?: string },
      );
      expect(existsSync(join(deps.home, '.netrc'))).toBe(false);
      expect((await deps.config.load()).servers).toEqual({});
      return e;
    };

    it('https:// to the plain-HTTP port: says so, and names the http:// URL that answers like LabKey', async () => {
      const e = await refusal(server.url.replace('http://', 'https://'));
      expect(e).toMatchObject({
        code: 'LK_SERVER_CHECK',
        message: `127.0.0.1:${server.port} does not speak TLS: the port answers plain HTTP, so https:// cannot work there, and ${server.url} answers like LabKey. lk did not ask for a key and stored nothing.`,
        hint: `Run \`lk auth login --server ${server.url}\` (the key then travels unencrypted: only on a trusted network).`,
      });
    });

    it('http:// to a Tomcat-style TLS port (its own 400 to plain HTTP), certificate not trusted here: says it speaks HTTPS, and what to trust', async () => {
      const e = await refusal(`http://127.0.0.1:${ports.tomcat}/labkey`);
      expect(e).toMatchObject({
        code: 'LK_SERVER_CHECK',
        message: `127.0.0.1:${ports.tomcat} speaks HTTPS, not plain HTTP (the server's TLS certificate is not trusted here: self-signed certificate): use https://, not http://. lk did not ask for a key and stored nothing.`,
        hint: `Run \`lk auth login --server https://127.0.0.1:${ports.tomcat}/labkey\` once the certificate is trusted (install its CA in the system store, or point NODE_EXTRA_CA_CERTS at it).`,
      });
    });

    it('https:// to a port that speaks neither TLS nor HTTP (SSH): not taken for plain HTTP', async () => {
      // Before the SDK's rule, login read OpenSSL's "wrong version number" alone as "the port answers plain HTTP".
      const e = await refusal(`https://127.0.0.1:${ports.ssh}/labkey`);
      expect(e?.code).toBe('LK_SERVER_CHECK');
      expect(e?.message).toMatch(new RegExp(`^Cannot reach https://127\\.0\\.0\\.1:${ports.ssh}/labkey \\(`));
      expect(e?.message).not.toContain('plain HTTP');
    });
  });
});
