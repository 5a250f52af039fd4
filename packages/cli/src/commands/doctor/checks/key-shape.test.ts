import { useDoctorHarness } from '../testing.js';
import { keyShape } from './key-shape.js';

const HEX32 = '00112233445566778899aabbccddeeff';

describe('check: key format', () => {
  const h = useDoctorHarness();

  it('a 64-hex key passes, named by fingerprint only', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const r = await h.check(keyShape);
    expect(r.status).toBe('pass');
    expect(r.detail).toMatch(new RegExp(`^key [0-9a-f]{8} in ${h.netrc} line 1: 64 lower-case hex characters\\.$`));
  });

  it('a legacy key seeded as apikey|…: "legacy format, still accepted", a warning', async () => {
    const legacy = h.secret(`apikey|${HEX32}`);
    h.server.state.seedApiKey('bob@lk.test', legacy);
    h.write(`machine 127.0.0.1 login apikey password ${legacy}\n`);
    const r = await h.check(keyShape);
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/: legacy format \(`apikey\|` \+ 32 hex, issued before LabKey 23\.3\), still accepted\.$/);
    expect(r.fix).toContain('Consider generating a new key');
  });

  it('a modern key with a stray prefix: a warning that points at the key check', async () => {
    h.write(`machine 127.0.0.1 login apikey password apikey|${h.key()}\n`);
    const r = await h.check(keyShape);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain('it starts with `apikey|` but the rest is a modern 64-hex key (the prefix does not belong there)');
  });

  it('quote characters inside the value fail', async () => {
    h.write(`machine 127.0.0.1 login apikey password "\\"${h.key()}\\""\n`);
    const r = await h.check(keyShape);
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('it is wrapped in quote characters that are part of the value');
    expect(r.fix).toContain('Remove the quote characters');
  });

  it('whitespace around a quoted value is reported', async () => {
    h.write(`machine 127.0.0.1 login apikey password " ${h.key()} "\n`);
    expect((await h.check(keyShape)).detail).toContain('it has whitespace around it');
  });

  it('the wrong length and upper case are reported without showing any character', async () => {
    const upper = h.secret(h.key().toUpperCase());
    h.write(`machine 127.0.0.1 login apikey password ${upper}\n`);
    expect((await h.check(keyShape)).detail).toContain('it has upper-case letters (keys are lower-case hex)');
    h.write('machine 127.0.0.1 login apikey password lk_test_0001\n');
    expect((await h.check(keyShape)).detail).toContain('it is 12 characters, not 64 lower-case hex characters');
  });

  it('also checks LABKEY_API_KEY', async () => {
    h.setEnv({ LABKEY_API_KEY: h.secret(`${'a'.repeat(63)}`) });
    const r = await h.check(keyShape);
    expect(r.detail).toContain('in the environment variable LABKEY_API_KEY: it is 63 characters');
  });

  it('an invisible character pasted along (a zero-width space) fails, named as such, not as "65 characters"', async () => {
    h.setEnv({ LABKEY_API_KEY: h.secret(`\u200b${h.key()}`) });
    const r = await h.check(keyShape);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/in the environment variable LABKEY_API_KEY: it holds a character that is not plain ASCII \(often an invisible one picked up by copy and paste, such as a zero-width space\)\.$/);
    expect(r.fix).toBe('Copy the key again as plain text (64 characters, 0-9 a-f) into the environment variable LABKEY_API_KEY, or run `lk auth login`.');
  });

  it('no key anywhere: skipped', async () => {
    expect((await h.check(keyShape)).status).toBe('skip');
  });
});
