import { Secret } from '../redact/secret.js';
import { diagnoseRejection, describeSource } from './diagnose-rejection.js';

const hex = 'ab'.repeat(32);
const now = new Date('2026-06-01T00:00:00Z');
const cred = (key: string, source = 'env:LABKEY_API_KEY', details: Record<string, unknown> = { variable: 'LABKEY_API_KEY' }) => ({
  apiKey: new Secret(key),
  source,
  fingerprint: '1234abcd',
  details,
});

test('describeSource names the variable, file and line, keychain entry or option', () => {
  expect(describeSource(cred(hex))).toBe('the environment variable LABKEY_API_KEY');
  expect(describeSource(cred(hex, 'netrc:/h/.netrc:3', { file: '/h/.netrc', line: 3 }))).toBe('/h/.netrc line 3');
  expect(describeSource(cred(hex, 'keychain:lk/x', { service: 'lk', account: 'https://h' }))).toBe('the keychain entry lk/https://h');
  expect(describeSource(cred(hex, 'option', {}))).toBe('the apiKey option');
});

test('expired vs revoked vs unknown follow keyInfo and the clock', () => {
  const c = cred(hex);
  expect(diagnoseRejection({ credential: c, now, keyInfo: { fingerprint: 'x', expiresAt: '2026-05-31T00:00:00Z' } }).reason).toBe('expired');
  expect(diagnoseRejection({ credential: c, now, keyInfo: { fingerprint: 'x', expiresAt: '2026-06-02T00:00:00Z' } }).reason).toBe('revoked');
  expect(diagnoseRejection({ credential: c, now, keyInfo: { fingerprint: 'x', expiresAt: null } }).reason).toBe('revoked');
  expect(diagnoseRejection({ credential: c, now, keyInfo: { fingerprint: 'x' } }).reason).toBe('unknown');
  expect(diagnoseRejection({ credential: c, now }).reason).toBe('unknown');
});

test('shape beats source beats knowledge; legacy-guest beats all', () => {
  const shadowed = [{ source: 'keychain:lk/x', fingerprint: 'ffff0000' }];
  const netrc = { isDefault: true, machines: ['other.org'] };
  expect(diagnoseRejection({ credential: cred('apikey|' + hex), now, shadowed }).reason).toBe('prefixed');
  expect(diagnoseRejection({ credential: cred('session|' + 'a'.repeat(32)), now }).reason).toBe('prefixed');
  expect(diagnoseRejection({ credential: cred(`'${hex}'`), now, shadowed }).reason).toBe('malformed');
  expect(diagnoseRejection({ credential: cred(hex.toUpperCase()), now }).because).toMatch(/upper-case/);
  expect(diagnoseRejection({ credential: cred(hex, 'netrc:/h/.netrc:2', { file: '/h/.netrc', line: 2 }), now, netrc, shadowed }).reason).toBe('wrong-host');
  expect(diagnoseRejection({ credential: cred(hex), now, shadowed, keyInfo: { fingerprint: 'x', expiresAt: '2020-01-01T00:00:00Z' } }).reason).toBe('shadowed');
  expect(diagnoseRejection({ credential: cred('apikey|x'), now, legacyGuest: true }).reason).toBe('legacy-guest');
});

test('a shadowing entry with the same fingerprint is not shadowing', () => {
  expect(diagnoseRejection({ credential: cred(hex), now, shadowed: [{ source: 'netrc:/x:1', fingerprint: '1234abcd' }] }).reason).toBe('unknown');
});

test('no text contains the key', () => {
  for (const key of [hex, 'apikey|' + hex, `"${hex}"`, 'short']) {
    const d = diagnoseRejection({ credential: cred(key), now });
    expect(d.because + d.hint).not.toContain(key.replace(/^apikey\|/, ''));
  }
});
