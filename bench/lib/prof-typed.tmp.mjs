import { spawn } from 'node:child_process';
import { startGeneratedMock } from './mock.mjs';
const [dir, fmt] = process.argv.slice(2);
const mock = await startGeneratedMock('packages/mock-server/dist/bin/lk-mock-server.js', 1000000);
const c = spawn(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=512', '--cpu-prof', '--cpu-prof-dir', dir, 'packages/cli/dist/lk.cjs', 'query', 'select', 'lists', 'Generated', '--server', mock.url, '--format', fmt, '--output', `/tmp/t.${fmt}`], { env: { PATH: process.env.PATH, HOME: '/tmp', LABKEY_API_KEY: mock.key, LK_KEYCHAIN: 'off' }, stdio: ['ignore', 'ignore', 'inherit'] });
await new Promise((r) => c.once('exit', r));
mock.child.kill();
