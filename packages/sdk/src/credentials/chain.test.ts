import { chain } from './chain.js';
import { fromValue } from './from-value.js';
import { defaultResolveContext } from './default-chain.js';
import { fingerprintKey } from '../redact/fingerprint.js';
import { Secret } from '../redact/secret.js';
import { setDebugSink } from '../debug.js';
import { CredentialStoreError, NoCredentialsError } from '../errors/credential-errors.js';
import type { CredentialSource, SourceResult } from './types.js';

const KEY_A = 'lk_test_0000000000000000000000000000000000000001';
const KEY_B = 'lk_test_0000000000000000000000000000000000000002';
const ctx = defaultResolveContext('https://lk.example.org/labkey', { env: {}, homedir: undefined, keychain: undefined });

/** A source that records whether it was asked. */
function source(name: string, result: SourceResult | Error): CredentialSource & { calls: number } {
  const s = {
    name,
    calls: 0,
    async resolve(): Promise<SourceResult> {
      s.calls++;
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return s;
}
const skip = (reason: string): SourceResult => ({ skipped: true, reason });
const found = (id: string, key: string): SourceResult => ({
  apiKey: new Secret(key),
  source: id,
  fingerprint: fingerprintKey(key),
});

describe('chain.resolve', () => {
  afterEach(() => {
    setDebugSink(undefined);
  });

  it('returns the first credential with the trail of every source tried, and asks no further', async () => {
    const a = source('env', skip('LABKEY_API_KEY not set'));
    const b = source('keychain', found('keychain:lk/x', KEY_A));
    const c = source('netrc', found('netrc:/h/.netrc:1', KEY_B));
    const credential = await chain(a, b, c).resolve(ctx);
    expect(credential.source).toBe('keychain:lk/x');
    expect(credential.apiKey.reveal()).toBe(KEY_A);
    expect(credential.trail).toEqual([
      { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
      { source: 'keychain', outcome: 'found' },
    ]);
    expect(credential.shadowed).toBeUndefined();
    expect(c.calls).toBe(0);
  });

  it('throws NoCredentialsError listing the trail when every source skips', async () => {
    const run = chain(source('env', skip('LABKEY_API_KEY not set')), source('netrc', skip('no entry for host h')));
    const error = await run.resolve(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoCredentialsError);
    expect(error).toMatchObject({
      code: 'LK_NO_CREDENTIALS',
      server: 'https://lk.example.org/labkey',
      trail: [
        { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
        { source: 'netrc', outcome: 'skipped', reason: 'no entry for host h' },
      ],
    });
    expect((error as Error).message).toContain('env: skipped (LABKEY_API_KEY not set)');
    expect((error as Error).message).toContain('netrc: skipped (no entry for host h)');
  });

  it('stops on the first thrown error and does not try later sources', async () => {
    const broken = new CredentialStoreError('keychain', 'The Secret Service is locked.');
    const later = source('netrc', found('netrc:/h/.netrc:1', KEY_B));
    await expect(chain(source('env', skip('LABKEY_API_KEY not set')), source('keychain', broken), later).resolve(ctx)).rejects.toBe(broken);
    expect(later.calls).toBe(0);
    // The error carries the trail that led to it, ending in the error step.
    expect((broken as unknown as { trail: unknown }).trail).toEqual([
      { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
      { source: 'keychain', outcome: 'error', reason: 'LK_CREDENTIAL_STORE: The Secret Service is locked.' },
    ]);
    expect(JSON.parse(JSON.stringify(broken)).trail).toHaveLength(2);
  });

  it('an empty chain throws NoCredentialsError with an empty trail', async () => {
    await expect(chain().resolve(ctx)).rejects.toMatchObject({ code: 'LK_NO_CREDENTIALS', trail: [] });
  });

  it('lists later sources holding a different key only when asked, and warns once in the debug log', async () => {
    const lines: string[] = [];
    setDebugSink((l) => lines.push(l));
    const later = source('netrc', found('netrc:/h/.netrc:1', KEY_B));
    const same = source('keychain', found('keychain:lk/x', KEY_A));
    const broken = source('other', new Error('boom'));
    const run = chain(fromValue(KEY_A), same, broken, later);

    const plain = await run.resolve(ctx);
    expect(plain.shadowed).toBeUndefined();
    expect(later.calls).toBe(0);

    const inspected = await run.resolve(ctx, { inspectShadowed: true });
    expect(inspected.source).toBe('option');
    expect(inspected.shadowed).toEqual([{ source: 'netrc:/h/.netrc:1', fingerprint: fingerprintKey(KEY_B) }]);
    await run.resolve(ctx, { inspectShadowed: true });
    const warnings = lines.filter((l) => l.includes('hold different keys'));
    expect(warnings).toEqual([
      `credentials:chain => warning: option (key ${fingerprintKey(KEY_A)}) and netrc:/h/.netrc:1 (key ${fingerprintKey(KEY_B)}) hold different keys; using option`,
    ]);
  });
});

describe('chain.resolveAll', () => {
  it('reports every source, errors included, without throwing', async () => {
    const broken = new CredentialStoreError('keychain', 'The Secret Service is locked.');
    const reports = await chain(
      source('env', found('env:LABKEY_API_KEY', KEY_A)),
      source('keychain', broken),
      source('netrc', found('netrc:/h/.netrc:3', KEY_B)),
      source('extra', skip('nothing here')),
    ).resolveAll(ctx);
    expect(reports.map(({ source: s, outcome, reason }) => ({ s, outcome, reason }))).toEqual([
      { s: 'env', outcome: 'found', reason: undefined },
      { s: 'keychain', outcome: 'error', reason: 'LK_CREDENTIAL_STORE: The Secret Service is locked.' },
      { s: 'netrc', outcome: 'found', reason: undefined },
      { s: 'extra', outcome: 'skipped', reason: 'nothing here' },
    ]);
    expect(reports[1]!.error).toBe(broken);
    expect(reports[2]!.credential).toMatchObject({
      source: 'netrc:/h/.netrc:3',
      fingerprint: fingerprintKey(KEY_B),
      trail: [{ source: 'netrc', outcome: 'found' }],
    });
  });
});
