/**
 * The {@link AuthContext} `toLabKeyError` gets for a response: what was sent, and, only once the
 * server has rejected the key, how to explain it (key expiry from the key-info store, which other
 * sources hold a different key, whether the key came from the netrc `default` entry).
 */
import type { Credential, CredentialSource, ResolveContext } from '../credentials/types.js';
import { readNetrc } from '../credentials/netrc/locate-netrc.js';
import type { AuthContext } from '../errors/to-labkey-error.js';
import type { AuthScheme } from './auth-scheme.js';
import { diagnoseRejection, type KeyInfoStore, type NetrcFacts, type ShadowedKey } from './diagnose-rejection.js';
import type { ResolvedAuth } from './resolved-auth.js';

export interface RejectionSetting {
  baseUrl: string;
  auth: AuthScheme;
  credentials: CredentialSource;
  resolveContext: () => ResolveContext;
  keyInfo?: KeyInfoStore | undefined;
}

/** AuthContext for toLabKeyError: knows the credential and how to explain its rejection. */
export function authContextFor(o: RejectionSetting, a: ResolvedAuth, credentialSent: boolean): AuthContext {
  const c = a.credential;
  return {
    scheme: o.auth,
    credential: c,
    credentialSent,
    trail: a.trail,
    server: o.baseUrl,
    keyRole: c
      ? async () => {
          try {
            return (await o.keyInfo?.get(c.fingerprint))?.role;
          } catch {
            return undefined;
          }
        }
      : undefined,
    diagnose: c
      ? async ({ legacyGuest, serverNow, serverSays }) => {
          const ctx = o.resolveContext();
          let keyInfo;
          try {
            keyInfo = await o.keyInfo?.get(c.fingerprint);
          } catch {
            keyInfo = undefined;
          }
          const shadowed = legacyGuest ? undefined : await inspectShadowed(o.credentials, ctx, c);
          const netrc = c.source.startsWith('netrc:') ? await inspectNetrc(ctx, c) : undefined;
          return diagnoseRejection({ credential: c, legacyGuest, serverSays, scheme: o.auth, keyInfo, now: serverNow ?? ctx.now(), shadowed, netrc, server: o.baseUrl });
        }
      : undefined,
  };
}

/**
 * Asks the chain, only after a rejection, which other sources hold a key for this server
 * (`resolve(ctx, { inspectShadowed: true })`). Chains without that ability give no answer.
 */
async function inspectShadowed(credentials: CredentialSource, ctx: ResolveContext, c: Credential): Promise<ShadowedKey[] | undefined> {
  const resolve = credentials.resolve as (ctx: ResolveContext, o?: { inspectShadowed?: boolean }) => Promise<unknown>;
  try {
    const r = (await resolve.call(credentials, ctx, { inspectShadowed: true })) as Record<string, unknown> | undefined;
    const list = r?.shadowed;
    if (!Array.isArray(list)) return undefined;
    return list
      .filter((s): s is ShadowedKey => !!s && typeof s === 'object' && typeof (s as ShadowedKey).fingerprint === 'string')
      .map((s) => ({ source: String(s.source), fingerprint: s.fingerprint }))
      .filter((s) => s.source !== c.source);
  } catch {
    return undefined;
  }
}

/** Whether the key came from the netrc `default` entry, and which machines the file names. */
async function inspectNetrc(ctx: ResolveContext, c: Credential): Promise<NetrcFacts | undefined> {
  try {
    const read = await readNetrc(ctx);
    if (!read.netrc) return undefined;
    return {
      // The netrc source says which entry held the key.
      isDefault: c.details?.entry === 'default',
      machines: read.netrc.entries.flatMap((e) => (e.kind === 'machine' && e.machine !== undefined ? [e.machine] : [])),
    };
  } catch {
    return undefined;
  }
}
