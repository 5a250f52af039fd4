/**
 * What a request carries for authentication, resolved once per client: the credential from the
 * chain, the trail, and the frozen header objects every request reuses. {@link AuthCache} is the
 * one cache of it (on top of `memoize`).
 */
import type { Credential, CredentialSource, ResolveContext, ResolveStep } from '../credentials/types.js';
import { memoize, type MemoizedProvider } from '../credentials/memoize.js';
import type { NoCredentialsError } from '../errors/credential-errors.js';
import { isLabKeyError } from '../errors/guards.js';
import { ErrorCodes } from '../errors/labkey-error.js';
import { authHeadersFor, type AuthScheme } from './auth-scheme.js';

/** What a request carries for authentication, resolved once per client. */
export interface ResolvedAuth {
  credential: Credential | undefined;
  /** Trail of sources tried (also when none had a key). */
  trail: readonly ResolveStep[];
  /** Headers for GET: user agent, accept, credential. Frozen and reused. */
  getHeaders: Readonly<Record<string, string>>;
  /** Headers for a JSON POST. */
  jsonHeaders: Readonly<Record<string, string>>;
  /** Headers for a form POST. */
  formHeaders: Readonly<Record<string, string>>;
  /** For the debug log: `apikey-header from env:LABKEY_API_KEY fp=1a2b3c4d`. */
  note: string;
}

export interface AuthResolution {
  credentials: CredentialSource;
  resolveContext: () => ResolveContext;
  auth: AuthScheme;
  userAgent: string;
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * The resolved auth of one client: resolved once (concurrent requests share one in-flight
 * resolution), re-resolved on `get(true)` after a rejected key; a failed resolution is not kept,
 * so the next request tries again.
 */
export class AuthCache {
  private readonly provider: MemoizedProvider<ResolvedAuth>;

  constructor(resolution: AuthResolution) {
    this.provider = memoize(() => resolveAuth(resolution));
  }

  /** The resolved auth when it is settled: the per-request fast path, no promise. */
  current(): ResolvedAuth | undefined {
    return this.provider.peek();
  }

  get(forceRefresh = false): Promise<ResolvedAuth> {
    return this.provider({ forceRefresh });
  }
}

/**
 * Asks the credential source once and builds the headers. No key anywhere is not an error here:
 * the client goes on as guest (whoAmI and getContainers work for guests) and a 401 then becomes
 * NoCredentialsError with this trail. A broken source (netrc syntax, keychain) throws.
 */
export async function resolveAuth(o: AuthResolution): Promise<ResolvedAuth> {
  const ctx = o.resolveContext();
  let credential: Credential | undefined;
  let trail: ResolveStep[] = [];
  try {
    const r = await o.credentials.resolve(ctx);
    const rt = (r as { trail?: ResolveStep[] }).trail;
    if ('skipped' in r && r.skipped) {
      trail = rt ?? [{ source: o.credentials.name, outcome: 'skipped', reason: r.reason }];
    } else {
      const c = r as Omit<Credential, 'trail'> & { trail?: ResolveStep[] };
      trail = rt ?? [{ source: c.source.split(':')[0] ?? c.source, outcome: 'found' }];
      credential = { ...c, trail } as Credential;
      for (const w of credential.warnings ?? []) o.onWarning?.(w);
    }
  } catch (e) {
    if (isLabKeyError(e) && e.code === ErrorCodes.NO_CREDENTIALS) trail = [...((e as NoCredentialsError).trail ?? [])];
    else throw e;
  }
  const base: Record<string, string> = { 'user-agent': o.userAgent, accept: 'application/json' };
  let note = 'no credential (guest)';
  if (credential) {
    Object.assign(base, authHeadersFor(credential, o.auth));
    const form = o.auth === 'apikey' ? 'apikey-header' : o.auth === 'basic' ? 'basic-apikey' : 'bearer';
    note = `${form} from ${credential.source} fp=${credential.fingerprint}`;
  }
  return {
    credential,
    trail,
    getHeaders: Object.freeze({ ...base }),
    jsonHeaders: Object.freeze({ ...base, 'content-type': 'application/json' }),
    formHeaders: Object.freeze({ ...base, 'content-type': 'application/x-www-form-urlencoded' }),
    note,
  };
}
