import { AUTH_ERROR_CODES, CsrfError, ErrorCodes, LabKeyError, NoCredentialsError, isAuthError } from '@lk/sdk';
import { CommanderError } from 'commander';
import { CliError, usageError } from './cli-error.js';
import { debugEnabled, exitCodeFor, handleError } from './handle-error.js';
import { createTestIO } from './io.js';

describe('handleError', () => {
  it('maps errors to exit codes: 1 error, 2 usage, 4 authentication, 0 for help/version', async () => {
    expect(await exitCodeFor(new Error('x'))).toBe(1);
    expect(await exitCodeFor(usageError('bad'))).toBe(2);
    expect(await exitCodeFor(new NoCredentialsError([]))).toBe(4);
    expect(await exitCodeFor(new LabKeyError('LK_API_KEY_REJECTED', 'no'))).toBe(4);
    expect(await exitCodeFor(new LabKeyError('LK_INVALID_ARGUMENT', 'no'))).toBe(2);
    expect(await exitCodeFor(new LabKeyError('LK_NETWORK', 'down'))).toBe(1);
    expect(await exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(2);
    expect(await exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(await exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(0);
  });

  it('4 means exactly an SDK auth error: every code in AUTH_ERROR_CODES, and no other code', async () => {
    expect(AUTH_ERROR_CODES.length).toBeGreaterThan(0);
    for (const code of Object.values(ErrorCodes)) {
      const e = new LabKeyError(code, 'x');
      const expected = (AUTH_ERROR_CODES as readonly string[]).includes(code) ? 4 : code === 'LK_INVALID_ARGUMENT' ? 2 : 1;
      expect([code, await exitCodeFor(e)]).toEqual([code, expected]);
      expect([code, isAuthError(e)]).toEqual([code, expected === 4]);
      // A CLI error that stands for one (login's own rejection) exits as that error does.
      expect([code, await exitCodeFor(new CliError(code, 'x'))]).toEqual([code, expected]);
    }
    // A CSRF failure is not the key's: the key was accepted and a proxy lost the token (it exited 4 before).
    expect(await exitCodeFor(new CsrfError('refused'))).toBe(1);
    // No CLI code of its own means "auth".
    expect(await exitCodeFor(new CliError('LK_NOT_LOGGED_IN', 'x'))).toBe(1);
  });

  it('prints the message (without the SDK prefix) and the hint on stderr; no stack', async () => {
    const io = createTestIO();
    const code = await handleError(new LabKeyError('LK_NETWORK', 'connection refused', { hint: 'Is the server running?' }), { io, json: false, debug: false });
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
