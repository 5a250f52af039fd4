/**
 * `pnpm demo`: the whole lk story, offline, in a temporary home. Starts the mock LabKey server in
 * this process and runs the REAL built `lk` binary as a child process for every step, printing each
 * command line (`$ lk …`) and its output. Each step checks that lk did what the narration says; the
 * demo exits non-zero at the first step that does not.
 *
 * Keys are never printed: the narration shows them masked, and no step runs `lk auth token`.
 *
 * A private workspace package: `@lk/cli` does not depend on it, nor on the mock server.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MockServer } from '@lk/mock-server';

const DAY = 24 * 3600 * 1000;
const WEEK_SECONDS = 7 * 24 * 3600;

class DemoFailure extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) throw new DemoFailure(what);
}

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (useColor ? `\u001b[${code}m${s}\u001b[0m` : s);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const cyan = paint(36);

let stepNo = 0;
function step(title: string, ...story: string[]): void {
  stepNo++;
  process.stdout.write(`\n${bold(`${stepNo}. ${title}`)}\n`);
  for (const line of story) process.stdout.write(`${dim(`   ${line}`)}\n`);
}

function say(line: string): void {
  process.stdout.write(`   ${line}\n`);
}

function mask(key: string): string {
  return `${key.slice(0, 4)}${'*'.repeat(8)} (${key.length} chars)`;
}

interface LkResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built lk with the demo's HOME and prints `$ lk …` and its output as it arrives. */
function makeLk(lkBin: string, env: Record<string, string>) {
  return (args: string[], o: { stdin?: string; shown?: string } = {}): Promise<LkResult> =>
    new Promise((resolve, reject) => {
      process.stdout.write(`\n   ${cyan(`$ lk ${o.shown ?? args.map(shellQuote).join(' ')}`)}\n`);
      const child = spawn(process.execPath, [lkBin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const show = (chunk: string) => {
        for (const line of chunk.replace(/\n$/, '').split('\n')) process.stdout.write(`   ${line}\n`);
      };
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        show(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        show(d);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        process.stdout.write(`   ${dim(`(exit ${code})`)}\n`);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(o.stdin ?? '');
    });
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./~-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

/** A minimal browser: keeps cookies, sends the CSRF token, follows nothing (redirects are shown). */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  csrf(): string | undefined {
    return this.cookies.get('X-LABKEY-CSRF');
  }

  async send(method: 'GET' | 'POST', url: string, body?: { form?: Record<string, string>; json?: unknown }): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (lk demo browser)' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const token = this.csrf();
    if (method === 'POST' && token) headers['x-labkey-csrf'] = token;
    let payload: string | undefined;
    if (body?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    } else if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    }
    const res = await fetch(url.startsWith('http') ? url : `${this.origin}${url}`, { method, headers, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, text: await res.text() };
  }

  async signIn(base: string, email: string, password: string): Promise<void> {
    const r = await this.send('POST', `${base}/login-loginAPI.api`, { form: { email, password } });
    check(r.status === 200, `${email} could not sign in (HTTP ${r.status})`);
    const who = await this.send('GET', `${base}/login-whoAmI.api`);
    check(who.status === 200 && (JSON.parse(who.text) as { email?: string }).email === email, `whoAmI does not say ${email}`);
  }

  async generateKey(base: string, description: string): Promise<string> {
    const r = await this.send('POST', `${base}/home/security-createApiKey.api`, { json: { type: 'apikey', description } });
    check(r.status === 200, `Generate API Key failed (HTTP ${r.status}): ${r.text.slice(0, 200)}`);
    const key = (JSON.parse(r.text) as { apikey?: string }).apikey;
    check(typeof key === 'string' && /^[0-9a-f]{64}$/.test(key), 'the server did not return a 64-hex key');
    return key as string;
  }
}

async function run(): Promise<void> {
  // The built `lk` is the @lk/cli package's `bin.lk`.
  const cliPackageJson = createRequire(import.meta.url).resolve('@lk/cli/package.json');
  const lkBin = join(dirname(cliPackageJson), (JSON.parse(readFileSync(cliPackageJson, 'utf8')) as { bin: { lk: string } }).bin.lk);
  const home = mkdtempSync(join(tmpdir(), 'lk-demo-home-'));
  const netrc = join(home, '.netrc');
  const env: Record<string, string> = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  if (process.env.NO_COLOR) env.NO_COLOR = process.env.NO_COLOR;
  const lk = makeLk(lkBin, env);

  const { startMockServer } = await import('@lk/mock-server');
  // Step 5 lets a week go by on the server's clock; lk reads the server's time from its Date header.
  const mock: MockServer = await startMockServer({ bearer: true });
  try {
    const base = mock.url;
    process.stdout.write(`${bold('lk demo')}: an offline LabKey Server at ${base}, and a fresh home folder ${home}\n`);
    process.stdout.write(dim('Every `$ lk …` below runs the real lk binary; each step checks that lk did what it says.\n'));

    // 1. The administrator turns API keys on (real servers ship with them off).
    mock.state.updateSettings({ allowApiKeys: false });
    step(
      'An administrator turns API keys on',
      'LabKey ships with "Let users create API keys" off. admin@lk.test signs in and saves the',
      'Site Settings form (admin-customizeSite.view) with keys on, expiring after 7 days.',
    );
    const admin = new Browser(mock.origin);
    await admin.signIn(base, 'admin@lk.test', 'admin-password');
    const form = await admin.send('GET', `${base}/admin-customizeSite.view`);
    const token = /name="X-LABKEY-CSRF" value="([0-9a-f]+)"/.exec(form.text)?.[1];
    check(form.status === 200 && token !== undefined, 'the Site Settings form did not load');
    const saved = await admin.send('POST', `${base}/admin-customizeSite.view`, {
      form: { 'X-LABKEY-CSRF': token as string, allowApiKeys: 'on', apiKeyExpirationSeconds: String(WEEK_SECONDS) },
    });
    check(saved.status === 302 || saved.status === 200, `saving Site Settings failed (HTTP ${saved.status})`);
    check(mock.state.settings.allowApiKeys && mock.state.settings.apiKeyExpirationSeconds === WEEK_SECONDS, 'API keys are not on');
    say(`${green('✓')} POST admin-customizeSite.view → HTTP ${saved.status}; API keys on, expiring after 7 days`);

    // 2. A user generates a key in the browser.
    step('Alice generates an API key', 'In her browser: sign in, then "Generate API Key" on the External Tool Access page.');
    const alice = new Browser(mock.origin);
    await alice.signIn(base, 'alice@lk.test', 'alice-password');
    const key1 = await alice.generateKey(base, 'laptop');
    say(`${green('✓')} POST security-createApiKey.api → a new key ${mask(key1)} (shown once; the demo keeps it masked)`);
    writeFileSync(netrc, '# my other machines\nmachine git.example.org\n  login me\n  password not-a-labkey-key\n', { mode: 0o644 });
    say(`Alice already has a ~/.netrc for another host (mode 644): lk must keep it and tighten it.`);

    // 3. lk auth login --with-token writes the netrc.
    step('Alice stores the key with lk', 'The key goes in on stdin (never on the command line), is checked with whoAmI, then saved.');
    const login = await lk(['auth', 'login', '--server', base, '--with-token'], { stdin: key1, shown: `auth login --server ${base} --with-token < key.txt` });
    check(login.code === 0, 'lk auth login failed');
    const text = readFileSync(netrc, 'utf8');
    check(text.startsWith('# my other machines\nmachine git.example.org\n  login me\n  password not-a-labkey-key\n'), 'the other netrc entry changed');
    check(text.includes(`password ${key1}`) && /machine 127\.0\.0\.1\s/.test(text), 'the netrc entry for 127.0.0.1 is missing');
    check((statSync(netrc).mode & 0o777) === 0o600, 'netrc is not mode 600');
    say(`${green('✓')} ~/.netrc: the other entry is untouched, "machine 127.0.0.1 login apikey" added, mode 600`);
    const status = await lk(['auth', 'status']);
    check(status.code === 0 && status.stdout.includes('✓ Logged in as alice@lk.test'), 'lk auth status does not show alice');

    // 4. Reading data with each credential form.
    step('Alice reads data, sending the key each way LabKey accepts', 'The apikey header (default), Basic apikey:<key>, and Authorization: Bearer (newer servers).');
    for (const [auth, form] of [['apikey', 'apikey-header'], ['basic', 'basic-apikey'], ['bearer', 'bearer']] as const) {
      const before = mock.requests.length;
      const q = await lk(['query', 'select', 'lists', 'People', '--columns', 'Name,Age', '--filter', 'Age~gt=40', '--sort', '-Age', '--format', 'table', '--auth', auth]);
      check(q.code === 0 && q.stdout.includes('Grace Hopper'), `lk query with --auth ${auth} failed`);
      const forms = mock.requests.slice(before).map((r) => r.authForm);
      check(forms.length > 0 && forms.every((f) => f === form), `--auth ${auth} did not arrive as ${form}`);
      say(`${green('✓')} the server saw the key as: ${form}`);
    }
    const sql = await lk(['query', 'sql', 'SELECT Name, Email FROM People WHERE Email IS NOT NULL ORDER BY Name', '--schema', 'lists', '--format', 'csv']);
    check(sql.code === 0 && sql.stdout.startsWith('Name,Email\n'), 'lk query sql failed');

    // 5. The key expires.
    step('A week goes by: the key expires', "The server's clock moves forward 8 days; the key was set to expire after 7.");
    mock.clock.advance(8 * DAY);
    const expired = await lk(['query', 'select', 'lists', 'People']);
    check(expired.code === 4, `expected exit 4 for an expired key, got ${expired.code}`);
    check(/expired/.test(expired.stderr), 'the error does not say the key expired');
    say(`${green('✓')} exit 4, and the message says the key expired (not just "401")`);

    // 6. A revoked key.
    step('Alice gets a new key, then revokes it', 'Revoking takes effect at once; lk says so instead of a bare 401.');
    const alice2 = new Browser(mock.origin);
    await alice2.signIn(base, 'alice@lk.test', 'alice-password');
    const key2 = await alice2.generateKey(base, 'laptop, second');
    say(`${green('✓')} a second key ${mask(key2)}`);
    check((await lk(['auth', 'login', '--with-token'], { stdin: key2, shown: 'auth login --with-token < key2.txt' })).code === 0, 'login with the second key failed');
    const list = await lk(['keys', 'list']);
    check(list.code === 0, 'lk keys list failed');
    const rowId = mock.state.listApiKeys('alice@lk.test').find((r) => r.Description === 'laptop, second')?.RowId;
    check(rowId !== undefined, 'the second key is not in core.UserAPIKeys');
    const revoke = await lk(['keys', 'revoke', String(rowId), '--yes']);
    check(revoke.code === 0 && revoke.stderr.includes(`Key ${rowId} is the key lk uses`), 'lk keys revoke did not warn that this was the key in use');
    const revoked = await lk(['query', 'select', 'lists', 'People']);
    check(revoked.code === 4 && /revoked/.test(revoked.stderr), 'the error does not say the key was revoked');
    say(`${green('✓')} exit 4, and the message says the key was revoked`);

    // 7. A stale apikey| prefix, diagnosed and repaired by lk doctor.
    step(
      'An old how-to had Alice write "apikey|" in front of her key',
      'Keys from LabKey before 23.3 looked like apikey|<32 hex>; newer keys have no prefix, and the server',
      'never strips it. She generates a third key and, as the old page said, puts it in ~/.netrc by hand.',
    );
    const alice3 = new Browser(mock.origin);
    await alice3.signIn(base, 'alice@lk.test', 'alice-password');
    const key3 = await alice3.generateKey(base, 'laptop, third');
    say(`${green('✓')} a third key ${mask(key3)}`);
    const withoutLk = readFileSync(netrc, 'utf8').replace(/password [0-9a-f]{64}/, `password apikey|${key3}`);
    check(withoutLk.includes(`apikey|${key3}`), 'could not write the stale entry');
    writeFileSync(netrc, withoutLk);
    chmodSync(netrc, 0o600);
    say(`~/.netrc now says: machine 127.0.0.1 login apikey password apikey|${mask(key3)}`);
    const stale = await lk(['query', 'select', 'lists', 'People']);
    check(stale.code === 4 && /apikey\|/.test(stale.stderr), 'the error does not mention the apikey| prefix');
    const diagnose = await lk(['doctor']);
    check(diagnose.code !== 0, 'lk doctor found nothing wrong');
    const fix = await lk(['doctor', '--fix']);
    check(fix.code === 0, `lk doctor --fix did not end well (exit ${fix.code})`);
    const fixed = readFileSync(netrc, 'utf8');
    check(fixed.includes(`password ${key3}`) && !fixed.includes('apikey|'), 'the prefix is still in ~/.netrc');
    check(fixed.startsWith('# my other machines\n'), 'lk doctor --fix changed the other entry');
    const works = await lk(['query', 'select', 'lists', 'People', '--columns', 'Name', '--max-rows', '2', '--format', 'csv']);
    check(works.code === 0 && works.stdout === 'Name\nAda Lovelace\nAlan Turing\n', 'the repaired key does not work');
    say(`${green('✓')} lk doctor --fix stripped the prefix (after a backup); the third key works`);

    process.stdout.write(`\n${green(bold('✓ Demo finished: every step behaved as narrated.'))}\n`);
  } finally {
    await mock.close();
    rmSync(home, { recursive: true, force: true });
  }
}

run().then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    const msg = e instanceof DemoFailure ? `step ${stepNo} did not behave as narrated: ${e.message}` : `the demo crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    process.stdout.write(`\n${red(bold(`✗ Demo failed: ${msg}`))}\n`);
    process.exitCode = 1;
  },
);
