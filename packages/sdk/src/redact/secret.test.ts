import { inspect, format } from 'node:util';
import { Secret, REDACTED, isSecret } from './secret.js';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000001';

describe('Secret', () => {
  const s = new Secret(KEY);

  it('reveals the raw value only through reveal()', () => {
    expect(s.reveal()).toBe(KEY);
    expect(s.length).toBe(KEY.length);
  });

  it('prints [REDACTED] in every printable form', () => {
    const forms = [
      String(s),
      `${s}`,
      '' + s,
      JSON.stringify(s),
      JSON.stringify({ nested: { s } }),
      inspect(s),
      inspect({ deep: [s] }, { depth: 10, showHidden: true }),
      format('%s %o %O %j', s, s, s, s),
    ];
    for (const f of forms) {
      expect(f).not.toContain(KEY);
      expect(f).toContain(REDACTED);
    }
  });

  it('exposes no own enumerable data and cannot be mutated', () => {
    expect(Object.keys(s)).toEqual([]);
    expect(Object.getOwnPropertyNames(s)).toEqual([]);
    expect(Object.isFrozen(s)).toBe(true);
    expect(structuredClone({ s })).toEqual({ s: {} });
  });

  it('isSecret recognises secrets only', () => {
    expect(isSecret(s)).toBe(true);
    expect(isSecret(KEY)).toBe(false);
    expect(isSecret({ reveal: () => KEY })).toBe(false);
  });

  it('isSecret recognises a Secret from another copy of the package, and only a real one', () => {
    // pnpm can install two copies of the SDK: a second module instance has its own WeakMap.
    let Other: typeof import('./secret.js') | undefined;
    jest.isolateModules(() => {
      Other = require('./secret.js') as typeof import('./secret.js');
    });
    expect(Other!.Secret).not.toBe(Secret);
    const foreign = new Other!.Secret(KEY);
    expect(foreign instanceof Secret).toBe(false);
    expect(isSecret(foreign)).toBe(true);
    expect(Other!.isSecret(s)).toBe(true);
    expect(isSecret(Object.create(foreign) as unknown)).toBe(false); // inherits the brand, holds no value
  });
});
