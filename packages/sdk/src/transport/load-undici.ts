/**
 * undici, loaded once (about 160 ms) on first use rather than at import time: `lk --help` and
 * `lk auth token` never parse it. The lk bundle turns this import into a lazy require of its own
 * undici file (packages/cli/scripts/bundle.mjs).
 */
export type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

/** Loads undici once; later calls get the same module. */
export async function loadUndici(): Promise<Undici> {
  loading ??= import('undici').then((m) => {
    // Under CommonJS interop (jest) the namespace may arrive wrapped in `default`.
    return ((m as unknown as { request?: unknown }).request ? m : (m as unknown as { default: Undici }).default) as Undici;
  });
  return loading;
}
