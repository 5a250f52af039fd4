// SDK errors carry their facts in fields: the text without the `[lk-sdk]` prefix (`detail`), a
// netrc problem and where it is, the file a writer could not use, the trail a chain stopped with.
// Callers (the CLI) read these fields and never parse `message`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chain } from '../credentials/chain.js';
import { parseNetrc } from '../credentials/netrc/parse-netrc.js';
import { setNetrcEntry } from '../credentials/netrc/write-netrc.js';
import type { CredentialSource, ResolveContext } from '../credentials/types.js';
import {
  CredentialSourceError,
  CredentialStoreError,
  InvalidArgumentError,
  NetrcLockError,
  NetrcSyntaxError,
  NoCredentialsError,
} from './credential-errors.js';
import { isAuthError, isLabKeyError } from './guards.js';
import { AUTH_ERROR_CODES, ErrorCodes, LabKeyError } from './labkey-error.js';
import { NetworkError } from './http-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lk-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ctx = { server: 'https://lk.example.org/labkey' } as ResolveContext;

describe('detail and message', () => {
  it.each([
    ['LabKeyError', new LabKeyError(ErrorCodes.HTTP, 'it failed.')],
    ['InvalidArgumentError', new InvalidArgumentError('bad option.')],
    ['CredentialStoreError', new CredentialStoreError('keychain', 'The Secret Service is locked.')],
    ['NetrcLockError', new NetrcLockError('/h/.netrc')],
    ['NetworkError', new NetworkError('GET http://h/x: connection refused', { problem: 'connection refused' })],
    ['NoCredentialsError', new NoCredentialsError([{ source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' }])],
  ])('%s: detail has no prefix, message is the prefix and the detail, toJSON keeps one copy', (_name, e) => {
    expect(e.detail).not.toMatch(/lk-sdk/);
    expect(e.message).toBe(`[lk-sdk] ${e.detail}`);
    const json = e.toJSON();
    expect(json.message).toBe(e.message);
    expect(json).not.toHaveProperty('detail');
    expect(json.code).toBe(e.code);
  });

  it('summary is the first line without a closing period (the trail is left out)', () => {
    expect(new CredentialStoreError('keychain', 'The Secret Service is locked.').summary).toBe('The Secret Service is locked');
    const none = new NoCredentialsError([{ source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' }], { server: 'https://h' });
    expect(none.detail).toBe('No LabKey API key found for https://h. Tried:\n  - env: skipped (LABKEY_API_KEY not set)');
    expect(none.summary).toBe('No LabKey API key found for https://h. Tried:');
  });

  it('an HTTP error built without a separate problem uses its detail as the problem', () => {
    expect(new NetworkError('More than 5 redirects').problem).toBe('More than 5 redirects');
  });
});

describe('netrc errors name what and where in fields', () => {
  it('NetrcSyntaxError carries problem, file, line and column', () => {
    const e = (() => {
      try {
        parseNetrc('machine a login x\nmachine "unterminated\n', { file: '/h/.netrc' });
      } catch (x) {
        return x;
      }
      throw new Error('parsed');
    })() as NetrcSyntaxError;
    expect(e).toBeInstanceOf(NetrcSyntaxError);
    expect(e).toMatchObject({ code: 'LK_NETRC_SYNTAX', file: '/h/.netrc', line: 2, column: 9 });
    expect(e.problem).toMatch(/^unterminated quoted token/);
    expect(e.detail).toBe(`/h/.netrc:2:9: ${e.problem}`);
  });

  it('the writer names the file of a netrc it cannot parse, and leaves it as it was', async () => {
    const file = join(dir, '.netrc');
    const text = 'machine a login x password "open\n';
    writeFileSync(file, text, { mode: 0o600 });
    const e = await setNetrcEntry(file, 'h.org', { login: 'apikey', password: 'k' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'LK_NETRC_SYNTAX', file, line: 1 });
    expect((e as NetrcSyntaxError).detail).toBe(`${file}:1:${(e as NetrcSyntaxError).column}: ${(e as NetrcSyntaxError).problem}`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a writer that cannot use a file names it in `file`', async () => {
    const file = join(dir, 'missing-folder', '.netrc');
    const e = await setNetrcEntry(file, 'h.org', { login: 'apikey', password: 'k' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'LK_CREDENTIAL_STORE', store: 'netrc', file });
  });
});

describe('trail', () => {
  const source = (name: string, resolve: CredentialSource['resolve']): CredentialSource => ({ name, resolve });
  const skip = source('env', async () => ({ skipped: true, reason: 'LABKEY_API_KEY not set' }));

  it("an SDK error a source throws gets the chain's trail in its declared field", async () => {
    const broken = new CredentialStoreError('keychain', 'locked.');
    expect(broken.trail).toBeUndefined();
    const e = await chain(skip, source('keychain', () => Promise.reject(broken))).resolve(ctx).catch((x: unknown) => x);
    expect(e).toBe(broken);
    expect(broken.trail).toEqual([
      { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
      { source: 'keychain', outcome: 'error', reason: 'LK_CREDENTIAL_STORE: locked.' },
    ]);
  });

  it('an error that is not the SDK\'s is not changed: it is the cause of a CredentialSourceError carrying the trail', async () => {
    const foreign = new TypeError('vault is sealed');
    const e = await chain(skip, source('vault', () => Promise.reject(foreign))).resolve(ctx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CredentialSourceError);
    expect(isLabKeyError(e)).toBe(true);
    const w = e as CredentialSourceError;
    expect(w).toMatchObject({ code: 'LK_CREDENTIAL_SOURCE', source: 'vault', cause: foreign });
    expect(w.detail).toBe('The credential source "vault" failed: vault is sealed');
    expect(w.trail.map((s) => [s.source, s.outcome])).toEqual([
      ['env', 'skipped'],
      ['vault', 'error'],
    ]);
    expect(Object.keys(foreign)).not.toContain('trail');
    expect(JSON.parse(JSON.stringify(w)).trail).toHaveLength(2);
  });
});

describe('AUTH_ERROR_CODES', () => {
  it('isAuthError is true exactly for its codes', () => {
    expect([...AUTH_ERROR_CODES].sort()).toEqual(['LK_API_KEY_REJECTED', 'LK_NO_CREDENTIALS']);
    for (const code of Object.values(ErrorCodes)) {
      expect([code, isAuthError(new LabKeyError(code, 'x'))]).toEqual([code, (AUTH_ERROR_CODES as readonly string[]).includes(code)]);
    }
  });
});
