/**
 * The public packages as a user gets them: `pnpm pack` each one (pnpm turns `workspace:*` into the
 * real version), then `npm i -g` the SDK and CLI tarballs into an empty prefix with a PATH that holds
 * only `node`, `npm` and `sh`: no compiler, no make, no python, no pnpm. `@lk/*` can only come from
 * the tarballs (the scope's registry is a closed port); third-party dependencies come from the npm
 * registry. Then `lk --help`, `lk auth token` and `import('@lk/sdk')` must work from that prefix.
 *
 * Needs the build (`pnpm test` builds first) and the npm registry.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const KEY = 'a1b2c3d4'.repeat(8);
const NETWORK_ENV = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

const manifest = (pkg: string): Manifest => JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as Manifest;

/** The first `name` on the outer PATH. */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not on PATH`);
}

function run(cmd: string, args: string[], o: { cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024, ...o });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

/** Every folder under `dir` (following no symlinks), as paths relative to it. */
function folders(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    out.push(p, ...folders(dir, p));
  }
  return out;
}

let tmp: string;
let tarballs: string;
let bin: string;
let prefix: string;
let home: string;
let sandboxEnv: Record<string, string>;
const packed: Record<string, { file: string; entries: string[]; manifest: Manifest }> = {};
let install: SpawnSyncReturns<string>;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lk-pack-'));
  tarballs = join(tmp, 'tarballs');
  bin = join(tmp, 'bin');
  prefix = join(tmp, 'prefix');
  home = join(tmp, 'home');
  for (const d of [tarballs, bin, prefix, home]) mkdirSync(d);

  const pnpm = onPath('pnpm');
  for (const pkg of ['sdk', 'cli', 'mock-server']) {
    ok(run(pnpm, ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', pkg) }), `pnpm pack in packages/${pkg}`);
    const m = manifest(pkg);
    const file = join(tarballs, `${m.name.replace('@', '').replace('/', '-')}-${m.version}.tgz`);
    const entries = ok(run('tar', ['-tzf', file]), `tar -tzf ${file}`).split('\n').filter(Boolean);
    const inside = JSON.parse(ok(run('tar', ['-xOzf', file, 'package/package.json']), 'tar -xOzf')) as Manifest;
    packed[pkg] = { file, entries, manifest: inside };
  }

  // The whole PATH: node, npm and sh, nothing else.
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(realpathSync(onPath('npm')), join(bin, 'npm'));
  symlinkSync(realpathSync('/bin/sh'), join(bin, 'sh'));
  const userconfig = join(tmp, 'npmrc');
  writeFileSync(userconfig, '');
  sandboxEnv = { HOME: home, PATH: bin, LANG: 'C.UTF-8' };
  // How this machine reaches the registry (a proxy, its CA) stays; nothing else from the outer shell.
  for (const name of NETWORK_ENV) {
    const v = process.env[name];
    if (v !== undefined) sandboxEnv[name] = v;
  }
  // --prefix moves npm's global config too; keep the machine's (it may name a cafile or a mirror).
  const globalconfig = ok(run(onPath('npm'), ['config', 'get', 'globalconfig']), 'npm config get globalconfig').trim();

  const packedCli = packed.cli;
  const packedSdk = packed.sdk;
  if (!packedCli || !packedSdk) throw new Error('pack failed');
  install = run(
    join(bin, 'npm'),
    [
      'install',
      '--global',
      `--prefix=${prefix}`,
      `--cache=${join(tmp, 'npm-cache')}`,
      `--userconfig=${userconfig}`,
      `--globalconfig=${globalconfig}`,
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--fetch-retries=1',
      '--fetch-retry-mintimeout=1000',
      '--fetch-retry-maxtimeout=3000',
      // @lk/* must come from the tarballs: asking the registry for one fails at once.
      '--@lk:registry=http://127.0.0.1:1/',
      packedSdk.file,
      packedCli.file,
    ],
    { cwd: tmp, env: sandboxEnv },
  );
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it.each(['sdk', 'cli', 'mock-server'])('@lk/%s carries its built dist and real dependency versions', (pkg) => {
    const p = packed[pkg];
    expect(p).toBeDefined();
    if (!p) return;
    const m = manifest(pkg);
    expect(p.entries).toContain('package/package.json');
    expect(p.entries).toContain('package/README.md');
    expect(p.entries.some((e) => e.startsWith('package/dist/') && e.endsWith('.js'))).toBe(true);
    expect(p.entries.filter((e) => !e.startsWith('package/dist/') && !/^package\/[^/]+$/.test(e))).toEqual([]);
    expect(p.entries.filter((e) => /\.test\.(js|d\.ts)$|\.tsbuildinfo$|\/testing(\/|\.js)/.test(e))).toEqual([]);
    for (const [dep, range] of Object.entries(p.manifest.dependencies ?? {})) {
      expect(`${dep}@${range}`).not.toMatch(/workspace:/);
      if (dep.startsWith('@lk/')) expect(range).toBe(manifest(dep.slice('@lk/'.length)).version);
    }
    expect(p.manifest.version).toBe(m.version);
  });

  it('@lk/cli depends on @lk/sdk and commander only', () => {
    // The CLI's runtime dependencies are the SDK and commander only (the native keyring module is the SDK's).
    expect(Object.keys(packed.cli?.manifest.dependencies ?? {}).sort()).toEqual(['@lk/sdk', 'commander']);
    const lkBin = (packed.cli?.manifest as { bin?: { lk?: string } } | undefined)?.bin?.lk;
    expect(packed.cli?.entries).toContain(`package/${lkBin}`);
    expect(packed.cli?.entries.filter((e) => e.includes('demo'))).toEqual([]);
    // The typed-export libraries ship bundled in dist (installing lk fetches none of them), with
    // the WebAssembly parquet-wasm's node build reads from beside itself.
    for (const f of ['arrow.cjs', 'parquet.cjs', 'parquet_wasm_bg.wasm', 'hyparquet.cjs']) expect(packed.cli?.entries).toContain(`package/dist/${f}`);
  });
});

describe('npm i -g of the CLI and SDK tarballs, with no compiler and no pnpm', () => {
  it('the PATH offers no compiler, make, python or pnpm', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'make', 'python3', 'python', 'node-gyp', 'pnpm']) {
      const r = run(join(bin, 'sh'), ['-c', `command -v ${tool}`], { env: sandboxEnv });
      expect(`${tool}: ${r.stdout.trim()}`).toBe(`${tool}: `);
    }
  });

  it('installs', () => {
    ok(install, 'npm install --global');
    expect(existsSync(join(prefix, 'bin', 'lk'))).toBe(true);
  });

  it('pulls in neither the mock server nor better-sqlite3', () => {
    const all = folders(join(prefix, 'lib', 'node_modules'));
    expect(all.filter((d) => /(^|\/)(better-sqlite3|mock-server)$/.test(d))).toEqual([]);
    expect(all.filter((d) => /(^|\/)@lk\/[^/]+$/.test(d)).sort()).toEqual(['@lk/cli', '@lk/sdk']);
  });

  it('lk --help works', () => {
    const r = run(join(prefix, 'bin', 'lk'), ['--help'], { env: sandboxEnv });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: lk /);
    for (const group of ['auth', 'doctor', 'query', 'keys']) expect(r.stdout).toContain(group);
    expect(r.status).toBe(0);
  });

  it('lk auth token prints the key from the netrc', () => {
    const netrc = join(tmp, 'netrc');
    writeFileSync(netrc, `machine 127.0.0.1 login apikey password ${KEY}\n`);
    chmodSync(netrc, 0o600);
    const r = run(join(prefix, 'bin', 'lk'), ['auth', 'token', '--server', 'http://127.0.0.1:1/labkey'], { env: { ...sandboxEnv, NETRC: netrc } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${KEY}\n`);
    expect(r.status).toBe(0);
  });

  it('lk finds the keychain module through the SDK it depends on', () => {
    // A bus address makes lk ask the keychain; no daemon answers there. The helper process must
    // still load @napi-rs/keyring (the SDK's dependency, not the CLI's) and report the bus, not a
    // missing module, before lk falls through to the netrc.
    const netrc = join(tmp, 'netrc-kc');
    writeFileSync(netrc, `machine 127.0.0.1 login apikey password ${KEY}\n`);
    chmodSync(netrc, 0o600);
    const env = { ...sandboxEnv, NETRC: netrc, NODE_DEBUG: 'lk', DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmp, 'no-bus')}` };
    const r = run(join(prefix, 'bin', 'lk'), ['auth', 'token', '--server', 'http://127.0.0.1:1/labkey'], { env });
    expect(r.stdout).toBe(`${KEY}\n`);
    expect(r.stderr).toMatch(/keychain/i);
    expect(r.stderr).not.toMatch(/Cannot find module|MODULE_NOT_FOUND|napi-rs/);
    expect(r.status).toBe(0);
  });

  it("import('@lk/sdk') resolves from the prefix", () => {
    const script = "const sdk = await import('@lk/sdk'); console.log(typeof sdk.createClient, typeof sdk.Filter.gt);";
    const r = run(join(bin, 'node'), ['--input-type=module', '-e', script], { cwd: join(prefix, 'lib'), env: sandboxEnv });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function function\n');
    expect(r.status).toBe(0);
  });
});
