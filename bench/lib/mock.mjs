// For the benches: one `lk-mock-server --generated-rows N` in its own process (its CPU is not the
// client's), and a key for alice from its control endpoint.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { request } from 'undici';

/** Starts the mock at `bin` with `rows` rows of lists.Generated; resolves to its process, URL and a key. */
export async function startGeneratedMock(bin, rows) {
  const child = spawn(process.execPath, [bin, '--port', '0', '--control', '--generated-rows', String(rows)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (l) => {
      const m = /listening on (\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`lk-mock-server exited (${code})`)));
  });
  child.stdout.resume();
  const r = await request(`${new URL(url).origin}/_mock/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@lk.test', description: 'bench' }) });
  const { key } = await r.body.json();
  if (r.statusCode !== 200 || typeof key !== 'string') throw new Error(`could not get a key from the mock (${r.statusCode})`);
  return { child, url, key };
}
