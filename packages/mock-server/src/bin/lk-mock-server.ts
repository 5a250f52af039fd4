#!/usr/bin/env node
// lk-mock-server: run the mock LabKey Server as a program.
import { parseArgs } from 'node:util';
import { LABKEY_VERSIONS, NEWEST_LABKEY_VERSION, SEEDED_ACCOUNTS, startMockServer } from '../index.js';
import type { MockServerOptions } from '../types.js';

const USAGE = `Usage: lk-mock-server [options]

  --port N               port to listen on (default 8080; 0 = any free port)
  --host ADDR            interface to bind (default 127.0.0.1)
  --context-path PATH    context path (default /labkey; "" or / for the root context)
  --seed demo|empty      demo: API keys on, lists.People and lists.Generated (default demo)
  --data FILE            keep users, settings, keys and rows in FILE across restarts
  --labkey-version V     behave as LabKey V: ${LABKEY_VERSIONS.join(', ')} (default ${NEWEST_LABKEY_VERSION};
                         22.11 = any release before 23.3); see the README's table
  --legacy-auth          shorthand for --labkey-version 24.3 (bad credentials silently become guest)
  --bearer               shorthand for --labkey-version 26.3 (accepts Authorization: Bearer)
  --control              enable the /_mock/ control endpoint (loopback clients only)
  --generated-rows N     rows in lists.Generated (default 1000)
  --session-timeout-minutes N   idle session timeout (default 30)
  -h, --help             show this help
`;

function fail(msg: string): never {
  process.stderr.write(`lk-mock-server: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min) fail(`--${name} needs a whole number ≥ ${min}, got '${v}'`);
  return Number(v);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'context-path': { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        'labkey-version': { type: 'string' },
        'legacy-auth': { type: 'boolean' },
        bearer: { type: 'boolean' },
        control: { type: 'boolean' },
        'generated-rows': { type: 'string' },
        'session-timeout-minutes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const seed = (values.seed as string | undefined) ?? 'demo';
  if (seed !== 'demo' && seed !== 'empty') fail(`--seed must be demo or empty, got '${seed}'`);
  const port = int('port', values.port as string | undefined, 0);
  if (port !== undefined && port > 65535) fail('--port must be at most 65535');
  const generatedRows = int('generated-rows', values['generated-rows'] as string | undefined, 0);
  const timeoutMin = int('session-timeout-minutes', values['session-timeout-minutes'] as string | undefined, 1);

  const version = values['labkey-version'] as string | undefined;
  if (version !== undefined && !(LABKEY_VERSIONS as readonly string[]).includes(version)) {
    fail(`--labkey-version must be one of ${LABKEY_VERSIONS.join(', ')}, got '${version}'`);
  }
  const legacy = Boolean(values['legacy-auth']);
  const bearer = Boolean(values.bearer);
  if (version !== undefined && (legacy || bearer)) fail('--labkey-version replaces --legacy-auth and --bearer; give only --labkey-version');
  if (legacy && bearer) fail('--legacy-auth (before 24.8) and --bearer (26.3 and later) are different LabKey releases; pick one --labkey-version');
  const opts: MockServerOptions = {
    port: port ?? 8080,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    seed,
    labkeyVersion: version ?? (legacy ? '24.3' : bearer ? '26.3' : NEWEST_LABKEY_VERSION),
    control: Boolean(values.control),
  };
  if (values['context-path'] !== undefined) opts.contextPath = values['context-path'] as string;
  if (values.data !== undefined) opts.dataFile = values.data as string;
  if (generatedRows !== undefined) opts.generatedRows = generatedRows;
  if (timeoutMin !== undefined) opts.sessionTimeoutMs = timeoutMin * 60_000;

  // Handlers first: a signal that arrives while starting (or right after the URL is printed)
  // still shuts down cleanly.
  let server: Awaited<ReturnType<typeof startMockServer>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const done = () => {
      process.stdout.write(`lk-mock-server: stopped (${signal})\n`);
      process.exit(0);
    };
    if (!server) {
      done();
      return;
    }
    server.close().then(done, (e: unknown) => {
      process.stderr.write(`lk-mock-server: error while stopping: ${(e as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    server = await startMockServer(opts);
  } catch (e) {
    process.stderr.write(`lk-mock-server: could not start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  if (stopping) {
    await server.close();
    return;
  }
  const lines = [`lk-mock-server listening on ${server.url}`];
  const seeded = SEEDED_ACCOUNTS.filter((a) => server.state.user(a.email));
  if (seeded.length) {
    lines.push('Seeded accounts (email / password):');
    for (const a of seeded) lines.push(`  ${a.email.padEnd(16)} ${a.password.padEnd(16)}${a.siteAdmin ? ' site admin' : ''}`);
  }
  const s = server.state.settings;
  lines.push(
    `API keys: ${s.allowApiKeys ? 'on' : 'off'}; session keys: ${s.allowSessionKeys ? 'on' : 'off'}; expiry: ${s.apiKeyExpirationSeconds === -1 ? 'never' : `${s.apiKeyExpirationSeconds} s`}` +
      `; LabKey ${server.state.labkeyVersion}` +
      (opts.control ? `; control endpoint at ${server.origin}/_mock/` : '') +
      (opts.dataFile ? `; data in ${opts.dataFile}` : ''),
  );
  process.stdout.write(lines.join('\n') + '\n');

}

void main();
