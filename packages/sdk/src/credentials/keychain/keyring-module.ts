/**
 * Where `@napi-rs/keyring` lives, for the helper process that loads it.
 *
 * The resolution must be relative to this package (pnpm does not hoist it). Under jest the code
 * runs as CommonJS and `require.resolve` is there; in the built ESM package it is not, and the
 * answer needs `import.meta.url`, which jest cannot parse, so that half sits in its own module
 * that is imported only when `require` is missing (it is never loaded under jest).
 */
export async function resolveKeyringModule(): Promise<string> {
  if (typeof require === 'function' && typeof require.resolve === 'function') {
    return require.resolve('@napi-rs/keyring');
  }
  const esm = await import('./keyring-module-esm.js');
  return esm.resolveKeyringModuleEsm();
}
