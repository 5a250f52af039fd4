#!/usr/bin/env node
// `pnpm bench cli-startup`: start-up cost of the built lk against a bare `node -e 0`, measured in
// the same run, interleaved (one of each per round, so machine noise hits all three alike).
//   - `lk --version`: answered before commander or the SDK load (goal: 1.3x node -e 0 or better);
//   - `lk auth token`: the netrc read path (SDK, credential chain, netrc parser), no network.
// Prints medians and the ratios of medians. Needs `tsc -b` first (pnpm bench does it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = join(import.meta.dirname, '..', '..');
const lk = join(root, 'packages', 'cli', 'dist', 'bin', 'lk.js');
if (!existsSync(lk)) {
  console.error(`bench/cli-startup: ${lk} is missing; run tsc -b first`);
  process.exit(1);
}

// A temporary home with a netrc entry and an lk config naming the server (key stored in netrc).
const home = mkdtempSync(join(tmpdir(), 'lk-bench-startup-'));
const server = 'https://lk.example.org/labkey';
const key = 'lk_test_00000000000000000000000000000000000000000000000000000000000001'; // fake, never sent
writeFileSync(join(home, '.netrc'), `# bench\nmachine other.example.org login me password x\nmachine lk.example.org login apikey password ${key}\n`, { mode: 0o600 });
mkdirSync(join(home, '.config', 'lk'), { recursive: true });
writeFileSync(
  join(home, '.config', 'lk', 'servers.json'),
  JSON.stringify({ version: 1, defaultServer: server, servers: { [server]: { url: server, container: '/home', auth: 'apikey', store: 'netrc' } }, keys: {} }),
);
const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' };
// The floor for any ESM entry point: one ES module that prints a line (Node sets up its ESM loader
// for it, which `node -e 0` never does).
const floor = join(home, 'floor.mjs');
writeFileSync(floor, "process.stdout.write('0.1.0\\n');\n");

const cases = [
  { name: 'node -e 0', args: ['-e', '0'], expect: '' },
  { name: 'one .mjs file', args: [floor], expect: '0.1.0\n' },
  { name: 'lk --version', args: [lk, '--version'], expect: '0.1.0\n' },
  { name: 'lk auth token', args: [lk, 'auth', 'token'], expect: `${key}\n` },
];

function once(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== c.expect) {
    throw new Error(`${c.name} failed (exit ${r.status}): ${r.stderr.slice(0, 300)}`);
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
  console.log(`${ROUNDS} interleaved runs each, medians (ms):`);
  for (const c of cases) {
    const m = median(times.get(c.name));
    const ratio = m / base;
    console.log(`  ${c.name.padEnd(15)} ${m.toFixed(1).padStart(7)} ms   ${ratio.toFixed(2)}x node -e 0`);
  }
  const esm = median(times.get('one .mjs file'));
  console.log(`lk --version is ${(median(times.get('lk --version')) / esm).toFixed(2)}x a one-line ES module (the floor for an ESM bin)`);
  const v = median(times.get('lk --version')) / base;
  console.log(`lk --version: ${v.toFixed(2)}x node -e 0 (goal <= 1.30): ${v <= 1.3 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
