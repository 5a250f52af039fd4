/**
 * Where the netrc file is, and reading it through the injected {@link ResolveContext}.
 *
 * Order (curl's, tool_util/netrc.c): `NETRC` when set and non-empty (that file only, even when it
 * does not exist: a user who points NETRC somewhere never wants another file read); else
 * `<home>/.netrc`, then `<home>/_netrc` (the usual name on Windows; curl checks it after
 * `.netrc` on every platform since 7.84). Home is `HOME`, then `USERPROFILE`, then
 * `ctx.homedir`.
 */
import { posix, win32 } from 'node:path';
import type { ResolveContext } from '../types.js';
import { CredentialStoreError, UnsafeNetrcFileError } from '../../errors/credential-errors.js';
import { MAX_NETRC_BYTES } from './netrc-file.js';
import { parseNetrc, type Netrc, type NetrcWarning } from './parse-netrc.js';

/** Environment variable naming the netrc file. @public */
export const ENV_NETRC = 'NETRC';

/** One file {@link locateNetrc} looked at. @public */
export interface NetrcCandidate {
  path: string;
  /** Why this path is a candidate, e.g. `NETRC is set`, `~/.netrc`. */
  why: string;
  exists: boolean;
}

/** Where the netrc file is (or why there is none). @public */
export interface NetrcLocation {
  /** The chosen file; undefined when no candidate exists and NETRC is not set. */
  path: string | undefined;
  /** True when `path` exists (false for a NETRC that points at a missing file). */
  exists: boolean;
  /** Human reason, e.g. `NETRC is set`, `~/.netrc exists`, `no ~/.netrc or ~/_netrc`. */
  reason: string;
  /** Every path checked, in order. */
  candidates: NetrcCandidate[];
}

/** A file-level warning from {@link readNetrc}. @public */
export interface NetrcPermissionWarning {
  code: 'file-permissions';
  message: string;
  file: string;
  /** The permission bits found, e.g. 0o644. */
  mode: number;
}

/** @public */
export type NetrcReadWarning = NetrcWarning | NetrcPermissionWarning;

/** What {@link readNetrc} found. @public */
export interface NetrcReadResult extends NetrcLocation {
  /** The parsed file; undefined when there is no file to read. */
  netrc: Netrc | undefined;
  /** A group/other-readable mode first (when found), then the parse warnings. */
  warnings: NetrcReadWarning[];
}

/** The home folder netrc files are looked up in: `HOME`, then `USERPROFILE`, then `ctx.homedir`. @internal */
export function netrcHome(ctx: Pick<ResolveContext, 'env' | 'homedir'>): string | undefined {
  return ctx.env.HOME || ctx.env.USERPROFILE || ctx.homedir || undefined;
}

async function exists(ctx: ResolveContext, path: string): Promise<boolean> {
  try {
    await ctx.fs.stat(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    // Present but not stat-able (EACCES on the folder…): let the read report it.
    return true;
  }
}

/**
 * Finds the netrc file: `NETRC`, else `~/.netrc`, else `~/_netrc`. Never throws for a missing
 * file: the result says which paths were checked and why one was chosen (for `lk doctor`).
 * A candidate whose stat fails for another reason than "not found" counts as existing, so
 * that {@link readNetrc} reports the real problem.
 * @public
 */
export async function locateNetrc(ctx: ResolveContext): Promise<NetrcLocation> {
  const p = ctx.platform === 'win32' ? win32 : posix;
  const fromEnv = ctx.env[ENV_NETRC];
  if (fromEnv) {
    const ok = await exists(ctx, fromEnv);
    return {
      path: fromEnv,
      exists: ok,
      reason: ok ? 'NETRC is set' : 'NETRC is set but the file does not exist',
      candidates: [{ path: fromEnv, why: 'NETRC is set', exists: ok }],
    };
  }
  const home = netrcHome(ctx);
  if (!home) {
    return { path: undefined, exists: false, reason: 'NETRC is not set and no home folder is known (HOME, USERPROFILE)', candidates: [] };
  }
  const candidates: NetrcCandidate[] = [];
  for (const name of ['.netrc', '_netrc']) {
    const path = p.join(home, name);
    const ok = await exists(ctx, path);
    candidates.push({ path, why: `~/${name}`, exists: ok });
    if (ok) return { path, exists: true, reason: `~/${name} exists`, candidates };
  }
  return { path: undefined, exists: false, reason: 'NETRC is not set and there is no ~/.netrc or ~/_netrc', candidates };
}

/**
 * The netrc file a writer should use: the one {@link locateNetrc} finds (`NETRC`, `~/.netrc`,
 * `~/_netrc`), else a new `.netrc` in the home folder; undefined when neither NETRC nor a home
 * folder is known. @public
 */
export async function netrcWritePath(ctx: ResolveContext): Promise<string | undefined> {
  const loc = await locateNetrc(ctx);
  if (loc.path) return loc.path;
  const home = netrcHome(ctx);
  return home ? (ctx.platform === 'win32' ? win32 : posix).join(home, '.netrc') : undefined;
}

/** The netrc file's text, without parsing it (what {@link readNetrcFile} returns). @public */
export interface NetrcFileRead extends NetrcLocation {
  /** The text, when the file exists and could be read. */
  text?: string;
  /** Permission bits (e.g. 0o644); undefined on Windows. */
  mode?: number;
  /** Why a file that exists could not be read: not a regular file, or the error code (EACCES…). */
  problem?: { kind: 'not-a-file' } | { kind: 'unreadable'; code: string };
}

/**
 * Finds the netrc file as {@link locateNetrc} does and reads its text and mode, without parsing
 * it and without throwing for a file that cannot be read (`problem` says why). For tools that
 * look at the file itself (lk doctor); {@link readNetrc} is the reader credential sources use.
 * @public
 */
export async function readNetrcFile(ctx: ResolveContext): Promise<NetrcFileRead> {
  const loc = await locateNetrc(ctx);
  if (!loc.path || !loc.exists) return loc;
  try {
    const st = await ctx.fs.stat(loc.path);
    if (!st.isFile) return { ...loc, problem: { kind: 'not-a-file' } };
    const mode = ctx.platform === 'win32' ? undefined : st.mode & 0o777;
    const text = await ctx.fs.readFile(loc.path);
    return mode === undefined ? { ...loc, text } : { ...loc, text, mode };
  } catch (e) {
    const code = e instanceof UnsafeNetrcFileError && e.problem === 'too-large' ? 'EFBIG' : (e as NodeJS.ErrnoException).code;
    return { ...loc, problem: { kind: 'unreadable', code: code ?? 'error' } };
  }
}

/**
 * Locates and parses the netrc file.
 *
 * - No file (or NETRC naming a missing file): returns `netrc: undefined`, never throws.
 * - A file that exists but cannot be read (permissions, a folder…): throws
 *   CredentialStoreError (code `LK_CREDENTIAL_STORE`, store `netrc`).
 * - A file that cannot be tokenized: throws NetrcSyntaxError with the file, line and column.
 * - A file that group or others may read (mode & 0o077, not checked on Windows) is read anyway
 *   and reported as a `file-permissions` warning first in `warnings`.
 * @public
 */
export async function readNetrc(ctx: ResolveContext): Promise<NetrcReadResult> {
  const { text, mode, problem, ...loc } = await readNetrcFile(ctx);
  if (!loc.path || !loc.exists) return { ...loc, netrc: undefined, warnings: [] };
  const path = loc.path;
  if (problem?.kind === 'not-a-file') {
    throw new CredentialStoreError('netrc', `${path} is not a regular file`, {
      hint: `Point NETRC at a file, or remove ${path}.`,
    });
  }
  if (problem?.kind === 'unreadable' && problem.code === 'EFBIG') throw new UnsafeNetrcFileError(path, 'too-large', { limit: MAX_NETRC_BYTES });
  if (problem || text === undefined) {
    throw new CredentialStoreError('netrc', `Cannot read ${path} (${problem?.code ?? 'error'})`, {
      hint: `Check that you own ${path} and can read it: chmod 600 ${path}`,
    });
  }
  const netrc = parseNetrc(text, { file: path });
  const warnings: NetrcReadWarning[] = [];
  if (ctx.platform !== 'win32' && mode !== undefined && (mode & 0o077) !== 0) {
    const bits = (mode & 0o777).toString(8).padStart(3, '0');
    warnings.push({
      code: 'file-permissions',
      message: `${path} can be read by other users (mode ${bits}); run: chmod 600 ${path}`,
      file: path,
      mode: mode & 0o777,
    });
  }
  warnings.push(...netrc.warnings);
  return { ...loc, netrc, warnings };
}
