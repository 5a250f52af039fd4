// Child process for bench/sdk: runs the built mock server so its CPU time is not the client's.
// Prints one JSON line {url, origin, key} (a key of this throw-away mock) and serves until killed.
import { startMockServer } from '@lk/mock-server';

const server = await startMockServer({ maxLogEntries: 1000 });
const { key } = server.state.issueApiKey('alice@lk.test', { description: 'bench' });
process.stdout.write(JSON.stringify({ url: server.url, origin: server.origin, key }) + '\n');
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
