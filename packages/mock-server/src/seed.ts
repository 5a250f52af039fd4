import type { StateStore } from './state.js';

/** The accounts every seed has (the `demo` seed also turns API keys on). */
export const SEEDED_ACCOUNTS = [
  { email: 'admin@lk.test', password: 'admin-password', displayName: 'admin', siteAdmin: true },
  { email: 'alice@lk.test', password: 'alice-password', displayName: 'alice', siteAdmin: false },
  { email: 'bob@lk.test', password: 'bob-password', displayName: 'bob', siteAdmin: false },
] as const;

export function seedState(state: StateStore, seed: 'demo' | 'empty'): void {
  for (const a of SEEDED_ACCOUNTS) state.addUser({ ...a });
  state.updateSettings({ allowApiKeys: seed === 'demo', allowSessionKeys: false, apiKeyExpirationSeconds: -1 });
}
