#!/usr/bin/env node
// `pnpm bench cli-startup`: start-up cost of the built lk against a bare `node -e 0`, measured in
// the same run, interleaved (one of each per round, so machine noise hits all of them alike):
//   - `lk auth token`: the key from netrc, no Secret Service (no DBUS_SESSION_BUS_ADDRESS, no bus
//     socket), no network; the command scripts call in loops (goal: at most 1.5x node -e 0);
//   - `lk auth status --server <mock>`: the same plus one whoAmI to a mock on loopback (a child
//     process, so the network part is only a loopback round trip);
//   - `lk --help`: commander and the command tree (goal: at most 2x node -e 0);
//   - `lk --version`, for reference.
// lk runs as a user runs it: the bin itself, started through its #! line (/usr/bin/env -S node …).
// Prints medians and the ratios of medians. Needs the build first (pnpm bench does it).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = join(import.meta.dirname, '..', '..');
const lk = join(root, 'packages', 'cli', 'dist', 'lk.cjs');
const mockBin = join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js');
if (!existsSync(lk) || !existsSync(mockBin)) {
  console.error(`bench/cli-startup: ${lk} or ${mockBin} is missing; run pnpm build first`);
  process.exit(1);
}

// The mock, in its own process, with a key for alice.
const mock = spawn(process.execPath, [mockBin, '--port', '0', '--control'], { stdio: ['ignore', 'pipe', 'inherit'] });
const mockUrl = await new Promise((resolve, reject) => {
  createInterface({ input: mock.stdout }).on('line', (l) => {
    const m = /listening on (\S+)/.exec(l);
    if (m) resolve(m[1]);
  });
  mock.once('exit', (code) => reject(new Error(`lk-mock-server exited (${code})`)));
});
mock.stdout.resume();
const mockKey = await fetch(`${new URL(mockUrl).origin}/_mock/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@lk.test' }) })
  .then((r) => r.json())
  .then((j) => j.key);

// A temporary home with netrc entries and an lk config naming both servers (keys stored in netrc).
const home = mkdtempSync(join(tmpdir(), 'lk-bench-startup-'));
const server = 'https://lk.example.org/labkey';
const key = 'lk_test_00000000000000000000000000000000000000000000000000000000000001'; // fake, never sent
writeFileSync(
  join(home, '.netrc'),
  `# bench\nmachine other.example.org login me password x\nmachine lk.example.org login apikey password ${key}\nmachine 127.0.0.1 login apikey password ${mockKey}\n`,
  { mode: 0o600 },
);
mkdirSync(join(home, '.config', 'lk'), { recursive: true });
const entry = (url) => ({ url, container: '/home', auth: 'apikey', store: 'netrc' });
writeFileSync(
  join(home, '.config', 'lk', 'servers.json'),
  JSON.stringify({ version: 1, defaultServer: server, servers: { [server]: entry(server), [mockUrl]: entry(mockUrl) }, keys: {} }),
);
// No Secret Service: no session bus address and no XDG_RUNTIME_DIR (so no $XDG_RUNTIME_DIR/bus).
const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' };
const version = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version;

const cases = [
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], check: (o) => o === '' },
  { name: 'lk auth token', args: ['auth', 'token'], check: (o) => o === `${key}\n`, goal: 1.5 },
  { name: 'lk auth status', args: ['auth', 'status', '--server', mockUrl], check: (o) => o.includes('alice@lk.test') },
  { name: 'lk --help', args: ['--help'], check: (o) => o.startsWith('Usage: lk'), goal: 2 },
  { name: 'lk --version', args: ['--version'], check: (o) => o === `${version}\n` },
];

function once(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd ?? lk, c.args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || !c.check(r.stdout)) {
    throw new Error(`${c.name} failed (exit ${r.status}): ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 300)}`);
  }
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  for (const c of cases) once(c); // warm the file system cache
  const times = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < ROUNDS; i++) for (const c of cases) times.get(c.name).push(once(c));
  const base = median(times.get('node -e 0'));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${ROUNDS} interleaved runs each, medians (load average ${load}):`);
  for (const c of cases) {
    const ratio = median(times.get(c.name)) / base;
    const goal = c.goal === undefined ? '' : `   goal <= ${c.goal.toFixed(2)}: ${ratio <= c.goal ? 'met' : 'NOT met'}`;
    console.log(`  ${c.name.padEnd(15)} ${median(times.get(c.name)).toFixed(1).padStart(7)} ms   ${ratio.toFixed(2)}x node -e 0${goal}`);
  }
} finally {
  mock.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}
