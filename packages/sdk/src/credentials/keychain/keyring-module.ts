/**
 * Where `@napi-rs/keyring` lives, for the helper process that loads it.
 *
 * The resolution must be relative to this package (pnpm does not hoist it). Under jest the code
 * runs as CommonJS and `require.resolve` is there; in the built ESM package it is not, and the
 * answer needs `import.meta.url`, which jest cannot parse, so that half sits in its own module
 * that is imported only when `require` is missing (it is never loaded under jest).
 */
import { dirname } from 'node:path';

export async function resolveKeyringModule(): Promise<string> {
  if (typeof require === 'function' && typeof require.resolve === 'function') {
    try {
      return require.resolve('@napi-rs/keyring');
    } catch (e) {
      // Bundled into another package's file (the lk bin), `require` resolves from that package's
      // folder, which need not have the module: it is this package's dependency, so resolve it from
      // where this package is installed.
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      return require.resolve('@napi-rs/keyring', { paths: [dirname(require.resolve('@lk/sdk'))] });
    }
  }
  const esm = await import('./keyring-module-esm.js');
  return esm.resolveKeyringModuleEsm();
}
