/**
 * Anonymous probes of `login-whoAmI.api`, to tell "server down" from "wrong context path".
 *
 * No credential is sent here: whoAmI answers a guest (no credential) with JSON, so a JSON
 * answer means the base URL is right. The SDK turns everything else into typed errors in its one
 * mapping function: an HTML page, an HTML login page or LabKey's "no action here" 404 become
 * `LK_WRONG_CONTEXT_PATH`, "No such project: /labkey" (a root-context server asked with
 * `/labkey`) a `LK_NOT_FOUND`, and no answer `LK_NETWORK`/`LK_TIMEOUT`. Deployments use `/labkey`
 * (traditional) or the root context (embedded Tomcat, 24.x and later), so the probe tries the URL
 * as given, then the other one. A failure is first put to the SDK's `schemeMismatch` (when the
 * caller passes it), so a URL with the wrong scheme for its port is named as that.
 */
import type { SchemeMismatch } from '@lk/sdk';

export type ProbeOutcome =
  | { kind: 'ok'; url: string }
  /** Answered, but not with whoAmI JSON: what came back. */
  | { kind: 'not-labkey'; url: string; what: string }
  | { kind: 'unreachable'; url: string; reason: string }
  /** The base URL's scheme is the wrong one for its port (http:// to TLS, https:// to plain HTTP): the SDK's `schemeMismatch`. */
  | { kind: 'wrong-scheme'; url: string; mismatch: SchemeMismatch };

export interface ContextPathReport {
  /** The base URL as configured. */
  base: string;
  given: ProbeOutcome;
  /** When the given base answered, but not like LabKey: the usual base that answers like LabKey, else the first tried and how it answered. */
  alternative?: { base: string; outcome: ProbeOutcome };
  /**
   * When the given base answered and a shorter one does too: the end of the given URL is a folder
   * (container) path, e.g. `https://host/labkey/home` (whoAmI answers in any folder), so every
   * request would go to a folder under it.
   */
  folder?: { base: string; container: string };
}

/** Calls whoAmI as a guest on a base URL (the SDK client, with no credential source). */
export type AnonymousWhoAmI = (base: string) => Promise<unknown>;

/** The SDK's `schemeMismatch`: whether a base URL's failure means its scheme is wrong for its port. */
export type SchemeCheck = (base: string, failure: unknown) => Promise<SchemeMismatch | undefined>;

const NOT_LABKEY = new Set(['LK_WRONG_CONTEXT_PATH', 'LK_NOT_FOUND', 'LK_BAD_RESPONSE', 'LK_TOO_MANY_REDIRECTS', 'LK_METHOD_NOT_ALLOWED', 'LK_HTTP', 'LK_SERVER_ERROR']);
const UNREACHABLE = new Set(['LK_NETWORK', 'LK_TIMEOUT', 'LK_ABORTED']);

/** What went wrong, without the request (the report names the URL itself): the SDK error's `problem`. */
function shortMessage(e: { problem?: unknown }): string {
  return typeof e.problem === 'string' ? e.problem : 'no answer';
}

export async function probeWhoAmI(base: string, whoAmI: AnonymousWhoAmI, scheme?: SchemeCheck): Promise<ProbeOutcome> {
  const url = `${base}/login-whoAmI.api`;
  try {
    await whoAmI(base);
    return { kind: 'ok', url };
  } catch (e) {
    const err = e as { code?: string; status?: number; problem?: string };
    // 401 (a bad key, or a server that wants every guest to log in) is LabKey answering: the path is right.
    if (err.code === 'LK_API_KEY_REJECTED' || err.code === 'LK_NO_CREDENTIALS' || err.code === 'LK_CSRF') return { kind: 'ok', url };
    const mismatch = scheme ? await scheme(base, e) : undefined;
    if (mismatch) return { kind: 'wrong-scheme', url, mismatch };
    if (err.code && UNREACHABLE.has(err.code)) return { kind: 'unreachable', url, reason: shortMessage(err) };
    if (err.code && NOT_LABKEY.has(err.code)) {
      const m = shortMessage(err);
      return { kind: 'not-labkey', url, what: err.status !== undefined && !m.includes(String(err.status)) ? `HTTP ${err.status}: ${m}` : m };
    }
    throw e;
  }
}

/**
 * The first split (shortest base first, from the SDK's `folderSplits`) whose base answers too:
 * then the given URL ends in a folder (container) path. Only asks when the given URL answered.
 */
export async function folderInBase(splits: readonly { base: string; container: string }[], whoAmI: AnonymousWhoAmI): Promise<ContextPathReport['folder']> {
  for (const split of splits) {
    if ((await probeWhoAmI(split.base, whoAmI).catch(() => undefined))?.kind === 'ok') return { base: split.base, container: split.container };
  }
  return undefined;
}

/** The other bases to try, from the SDK's URL rules: `folderSplits(base)`, `usualBaseUrls(base)` and `schemeMismatch`. */
export interface BaseCandidates {
  /** Tried when `base` answers, shortest first: is its end a folder? */
  splits: readonly { base: string; container: string }[];
  /** Tried in order when `base` answers, but not like LabKey, until one does (the other context path first). */
  alternatives: readonly string[];
  /** Asked when `base` fails: is its scheme the wrong one for its port? Then no other base is tried. */
  scheme: SchemeCheck;
}

export async function probeContextPath(base: string, whoAmI: AnonymousWhoAmI, candidates: BaseCandidates): Promise<ContextPathReport> {
  const given = await probeWhoAmI(base, whoAmI, candidates.scheme);
  if (given.kind === 'ok') {
    const folder = await folderInBase(candidates.splits, whoAmI);
    return folder ? { base, given, folder } : { base, given };
  }
  if (given.kind !== 'not-labkey') return { base, given };
  // The first that answers like LabKey; when none does, how the first (the other context path) answered.
  let first: ContextPathReport['alternative'];
  for (const alt of candidates.alternatives) {
    const outcome = await probeWhoAmI(alt, whoAmI);
    if (outcome.kind === 'ok') return { base, given, alternative: { base: alt, outcome } };
    first ??= { base: alt, outcome };
  }
  return first ? { base, given, alternative: first } : { base, given };
}
