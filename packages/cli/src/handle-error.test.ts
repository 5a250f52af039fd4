import { LabKeyError, NoCredentialsError } from '@lk/sdk';
import { CommanderError } from 'commander';
import { CliError, usageError } from './cli-error.js';
import { debugEnabled, exitCodeFor, handleError } from './handle-error.js';
import { createTestIO } from './io.js';

describe('handleError', () => {
  it('maps errors to exit codes: 1 error, 2 usage, 4 authentication, 0 for help/version', () => {
    expect(exitCodeFor(new Error('x'))).toBe(1);
    expect(exitCodeFor(usageError('bad'))).toBe(2);
    expect(exitCodeFor(new CliError('LK_X', 'x', { kind: 'auth' }))).toBe(4);
    expect(exitCodeFor(new NoCredentialsError([]))).toBe(4);
    expect(exitCodeFor(new LabKeyError('LK_API_KEY_REJECTED', 'no'))).toBe(4);
    expect(exitCodeFor(new LabKeyError('LK_INVALID_ARGUMENT', 'no'))).toBe(2);
    expect(exitCodeFor(new LabKeyError('LK_NETWORK', 'down'))).toBe(1);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(0);
  });

  it('prints the message (without the SDK prefix) and the hint on stderr; no stack', async () => {
    const io = createTestIO();
    const code = await handleError(new LabKeyError('LK_NETWORK', '[lk-sdk] connection refused', { hint: 'Is the server running?' }), { io, json: false, debug: false });
    expect(code).toBe(1);
    expect(io.stderr()).toBe('lk: connection refused\nhint: Is the server running?\n');
    expect(io.stdout()).toBe('');
  });

  it('commander usage errors get a pointer to --help', async () => {
    const io = createTestIO();
    await handleError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"), { io, json: false, debug: false });
    expect(io.stderr()).toBe("lk: unknown option '--nope'\nhint: Run `lk --help` (or `lk <command> --help`) for usage.\n");
  });

  it('--json prints the error as data on stdout', async () => {
    const io = createTestIO();
    const code = await handleError(new CliError('LK_ENV_KEY_SET', 'set', { hint: 'unset it' }), { io, json: true, debug: false });
    expect(code).toBe(1);
    expect(JSON.parse(io.stdout())).toEqual({ error: { name: 'CliError', code: 'LK_ENV_KEY_SET', message: 'set', hint: 'unset it', exitCode: 1 } });
    expect(io.stderr()).toBe('');
  });

  it('an error the command already reported only sets the exit code', async () => {
    const io = createTestIO();
    expect(await handleError(new CliError('LK_AUTH_STATUS_FAILED', '1 of 1 failed', { reported: true }), { io, json: false, debug: false })).toBe(1);
    expect(io.stderr()).toBe('');
  });

  it('unexpected errors say so; the stack only with NODE_DEBUG=lk', async () => {
    const io = createTestIO();
    await handleError(new TypeError('boom'), { io, json: false, debug: false });
    expect(io.stderr()).toBe('lk: unexpected error: boom\nhint: Run again with NODE_DEBUG=lk to see the stack trace, and report it.\n');
    const dbg = createTestIO();
    await handleError(new TypeError('boom'), { io: dbg, json: false, debug: true });
    expect(dbg.stderr()).toContain('TypeError: boom\n    at ');
  });

  it('NODE_DEBUG=lk turns debug on (among other names), nothing else does', () => {
    expect(debugEnabled({ NODE_DEBUG: 'lk' })).toBe(true);
    expect(debugEnabled({ NODE_DEBUG: 'http,lk' })).toBe(true);
    expect(debugEnabled({ NODE_DEBUG: 'labkey' })).toBe(false);
    expect(debugEnabled({})).toBe(false);
  });
});
