import { createRequire } from 'node:module';

// ESM-only on purpose (import.meta): see keyring-module.ts for why jest never loads this file.
export function resolveKeyringModuleEsm(): string {
  return createRequire(import.meta.url).resolve('@napi-rs/keyring');
}
