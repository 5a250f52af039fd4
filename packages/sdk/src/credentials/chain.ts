import { CredentialSourceError, NoCredentialsError } from '../errors/credential-errors.js';
import { isLabKeyError } from '../errors/guards.js';
import { recordTrail, type LabKeyError } from '../errors/labkey-error.js';
import { debugTo } from '../debug.js';
import type {
  Credential,
  CredentialSource,
  ResolveContext,
  ResolveStep,
  ShadowedCredential,
  Skipped,
  SourceResult,
} from './types.js';

/** Options for {@link CredentialChain.resolve}. @public */
export interface ChainResolveOptions {
  /**
   * Also resolve the sources after the winner and list those holding a different key in
   * `credential.shadowed`. Off by default: it costs a keychain call and a file read.
   */
  inspectShadowed?: boolean;
}

/** What one source gave in {@link CredentialChain.resolveAll}. Never holds a value except inside `credential.apiKey` (a Secret). @public */
export interface SourceReport {
  /** The source's name (`env`, `keychain`, `netrc`, …). */
  source: string;
  outcome: ResolveStep['outcome'];
  /** Why it was skipped or failed (the same text as in the trail). */
  reason?: string;
  /** As in the trail: the store does not exist here (no keychain). */
  unavailable?: true;
  /** As in the trail: the system's own text behind `reason`, for diagnostics. */
  detail?: string;
  /** Present when `outcome` is `found`; its `trail` holds just this step. */
  credential?: Credential;
  /** Present when `outcome` is `error`: what the source threw (a LabKeyError for our sources). */
  error?: unknown;
}

/** A chain of credential sources, itself usable as a source. @public */
export interface CredentialChain extends CredentialSource {
  readonly sources: readonly CredentialSource[];
  /**
   * Tries the sources in order and returns the first credential, with the trail of every source
   * tried up to and including it.
   *
   * Fails: rethrows the first error a source throws (configured but broken; later sources are
   * not tried, so a broken netrc is never silently replaced by a weaker source), with the trail
   * so far (ending in that `error` step) in its `trail` field unless it has one; an error that is
   * not a LabKeyError goes out as the `cause` of a CredentialSourceError, which carries the trail.
   * Throws NoCredentialsError carrying the trail when every source skipped.
   */
  resolve(ctx: ResolveContext, options?: ChainResolveOptions): Promise<Credential>;
  /**
   * Asks every source and reports each result, errors included; never throws for a source's
   * failure. For `lk auth status` and `lk doctor`, which show all of them.
   */
  resolveAll(ctx: ResolveContext): Promise<SourceReport[]>;
}

/**
 * Combines sources into one: the first that has a key wins. See {@link CredentialChain}.
 * @public
 */
export function chain(...sources: CredentialSource[]): CredentialChain {
  const list = Object.freeze([...sources]);
  return {
    name: 'chain',
    sources: list,
    async resolve(ctx: ResolveContext, options: ChainResolveOptions = {}): Promise<Credential> {
      const trail: ResolveStep[] = [];
      for (let i = 0; i < list.length; i++) {
        const source = list[i]!;
        let result: SourceResult;
        try {
          result = await source.resolve(ctx);
        } catch (thrown) {
          const error = isLabKeyError(thrown) ? thrown : new CredentialSourceError(source.name, thrown, trail);
          trail.push({ source: source.name, outcome: 'error', reason: errorReason(error) });
          debugTo(ctx.debug, 'credentials:chain', '%s failed, stopping: %s', source.name, errorReason(error));
          keepTrail(error, trail);
          throw error;
        }
        if (isSkipped(result)) {
          trail.push(skipStep(source.name, result));
          continue;
        }
        trail.push({ source: source.name, outcome: 'found' });
        // A credential from a nested chain brings its own trail: keep the inner steps.
        const inner = (result as Partial<Credential>).trail;
        if (inner && inner.length) trail.splice(trail.length - 1, 1, ...inner);
        const credential: Credential = { ...stripTrail(result), trail };
        if (options.inspectShadowed) {
          credential.shadowed = await findShadowed(list.slice(i + 1), ctx, credential);
        }
        debugTo(ctx.debug, 'credentials:chain', 'using %s (key %s)', credential.source, credential.fingerprint);
        return credential;
      }
      debugTo(ctx.debug, 'credentials:chain', 'no credentials: tried %s', list.map((s) => s.name).join(', ') || 'nothing');
      throw new NoCredentialsError(trail, ctx.server === undefined ? {} : { server: ctx.server });
    },
    async resolveAll(ctx: ResolveContext): Promise<SourceReport[]> {
      const reports: SourceReport[] = [];
      for (const source of list) {
        try {
          const result = await source.resolve(ctx);
          if (isSkipped(result)) {
            const { unavailable, detail } = skipStep(source.name, result);
            reports.push({ source: source.name, outcome: 'skipped', reason: result.reason, ...(unavailable ? { unavailable } : {}), ...(detail !== undefined ? { detail } : {}) });
          } else {
            const step: ResolveStep = { source: source.name, outcome: 'found' };
            reports.push({ source: source.name, outcome: 'found', credential: { ...stripTrail(result), trail: [step] } });
          }
        } catch (error) {
          reports.push({ source: source.name, outcome: 'error', reason: errorReason(error), error });
        }
      }
      const found = reports.flatMap((r) => (r.credential ? [r.credential] : []));
      for (const later of found.slice(1)) warnIfDisagree(ctx, found[0]!, later);
      return reports;
    },
  };
}

function isSkipped(result: SourceResult): result is Skipped {
  return (result as { skipped?: unknown }).skipped === true;
}

/** The trail step of a skip: its reason, and the flags and system text it carries. */
function skipStep(source: string, result: Skipped): ResolveStep {
  return {
    source,
    outcome: 'skipped',
    reason: result.reason,
    ...(result.repairable ? { repairable: true as const } : {}),
    ...(result.unavailable ? { unavailable: true as const } : {}),
    ...(result.detail !== undefined ? { detail: result.detail } : {}),
  };
}

function stripTrail(result: SourceResult): Omit<Credential, 'trail'> {
  const { trail: _ignored, ...rest } = result as Credential;
  return rest;
}

/** Sources after the winner that hold a different key. Their skips and errors are ignored here. */
async function findShadowed(
  rest: readonly CredentialSource[],
  ctx: ResolveContext,
  winner: Credential,
): Promise<ShadowedCredential[]> {
  const shadowed: ShadowedCredential[] = [];
  for (const source of rest) {
    let result: SourceResult;
    try {
      result = await source.resolve(ctx);
    } catch (error) {
      debugTo(ctx.debug, 'credentials:chain', 'shadow check of %s failed: %s', source.name, errorReason(error));
      continue;
    }
    if (isSkipped(result)) continue;
    if (result.fingerprint !== winner.fingerprint) {
      shadowed.push({ source: result.source, fingerprint: result.fingerprint, ...(result.details ? { details: result.details } : {}) });
      warnIfDisagree(ctx, winner, result);
    }
  }
  return shadowed;
}

// One warning per pair of sources per process, as the AWS SDK warns once.
const warned = new Set<string>();

function warnIfDisagree(ctx: ResolveContext, used: Pick<Credential, 'source' | 'fingerprint'>, other: Pick<Credential, 'source' | 'fingerprint'>): void {
  if (used.fingerprint === other.fingerprint) return;
  const pair = `${used.source}\u0000${other.source}`;
  if (warned.has(pair)) return;
  warned.add(pair);
  debugTo(
    ctx.debug,
    'credentials:chain',
    'warning: %s (key %s) and %s (key %s) hold different keys; using %s',
    used.source,
    used.fingerprint,
    other.source,
    other.fingerprint,
    used.source,
  );
}

/**
 * Gives the error a source threw the trail that led to it, so `lk auth status` can print it too
 * (a non-SDK error was wrapped in a CredentialSourceError, which has it already). An error that
 * has a trail keeps it (one from a nested chain), and a frozen one keeps its shape.
 */
function keepTrail(error: LabKeyError, trail: ResolveStep[]): void {
  if (error.trail === undefined && !Object.isFrozen(error)) recordTrail(error, trail);
}

/** A one-line reason for the trail. Our errors never carry values in their text. */
function errorReason(error: unknown): string {
  const e = error as { code?: unknown; detail?: unknown; message?: unknown } | null;
  if (isLabKeyError(error) && typeof e?.detail === 'string') return `${error.code}: ${e.detail.split('\n')[0]!}`;
  const text = typeof e?.message === 'string' ? e.message : 'failed';
  return text.split('\n')[0]!;
}
