/**
 * A lock file that serialises netrc writers: `<file>.lock`, holding `{ pid, host, time, nonce }`
 * as JSON. It is written to a temp file first and then hard-linked to `<file>.lock` (link fails
 * with EEXIST like O_EXCL does), so the lock never exists without its content, even when its
 * writer is killed half-way; where hard links are not supported it falls back to
 * `open(…, 'wx')` + write.
 *
 * Stale locks (a writer killed while holding it) are recovered when the holder's pid is dead on
 * this host, or when the lock is older than `staleMs` (a holder on another host, a reused pid).
 * Breaking a stale lock renames it aside first and checks that what was moved is the lock that
 * was judged stale; if another waiter got there first and already holds a fresh lock, the fresh
 * lock is linked back. As a last guard, the writer checks it still holds the lock right before
 * it renames the new file into place ({@link NetrcLock.stillHeld}), and starts over if not.
 *
 * No library: proper-lockfile would do, but its mkdir lock plus mtime refresh timer is more
 * machinery than a few-millisecond critical section needs, and this keeps @lk/sdk's
 * dependencies to undici and the keyring.
 */
import { open, readFile, rename, link, unlink, stat, writeFile, readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CredentialStoreError, NetrcLockError } from '../../errors/credential-errors.js';

/** @public */
export interface NetrcLockOptions {
  /** How long to wait for another writer, in ms (default 10 000). Then NetrcLockError. */
  lockTimeoutMs?: number;
  /** A lock older than this is stale even if its pid looks alive (default 30 000 ms). */
  staleLockMs?: number;
}

/** @internal */
export interface NetrcLock {
  readonly lockPath: string;
  /** True when a stale lock had to be broken to get this one. */
  readonly recoveredStale: boolean;
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseInfo(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.time === 'number' && typeof v.host === 'string') return v as LockInfo;
  } catch {
    // a lock whose holder has not written it yet, or garbage
  }
  return undefined;
}

async function isStale(lockPath: string, raw: string, staleMs: number): Promise<boolean> {
  const info = parseInfo(raw);
  if (info) {
    if (info.host === hostname() && !pidAlive(info.pid)) return true;
    return Date.now() - info.time > staleMs;
  }
  // Empty or unreadable content: the holder may be between open and write. Judge by mtime.
  try {
    const st = await stat(lockPath);
    return Date.now() - st.mtimeMs > staleMs;
  } catch {
    return false;
  }
}

/** Name of a temp file next to `file`: `.<name>.<kind>.<pid>.<hex>.tmp`. @internal */
export function netrcTempName(file: string, kind: 'new' | 'lock' | 'stale'): string {
  return join(dirname(file), `.${basename(file)}.${kind}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes temp files left next to `file` by writers that were killed (their pid is dead on this
 * host). Call it while holding the lock. Best effort: never throws.
 * @internal
 */
export async function removeDeadWritersTempFiles(file: string): Promise<void> {
  const base = basename(file);
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`.${base}.`) || !name.endsWith('.tmp')) continue;
    const m = /^\.(?:new|lock|stale)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(base.length + 1));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !pidAlive(pid)) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

/** Moves a stale lock aside. True when the path is free to try again. */
async function breakStale(file: string, lockPath: string, raw: string): Promise<boolean> {
  const aside = netrcTempName(file, 'stale');
  try {
    await rename(lockPath, aside);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved === raw) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // We moved someone's fresh lock: put it back unless yet another lock already took the place
  // (then that writer's stillHeld() check fails and it starts over).
  await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV']);

/** Creates the lock with `content`, atomically. False when it already exists. */
async function createLock(file: string, lockPath: string, content: string, useLink: { value: boolean }): Promise<boolean> {
  if (useLink.value) {
    const tmp = netrcTempName(file, 'lock');
    try {
      await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
      await link(tmp, lockPath);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (!NO_LINKS.has(code)) throw e;
      useLink.value = false; // this file system has no hard links: fall back below
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
  let fh;
  try {
    fh = await open(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await fh.writeFile(content, 'utf8');
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Takes the lock for `file` (the real path of the netrc). Waits with jittered polling; throws
 * NetrcLockError after `lockTimeoutMs`, CredentialStoreError when the lock cannot be created
 * for another reason (missing folder, no permission).
 * @internal
 */
export async function acquireNetrcLock(file: string, options: NetrcLockOptions = {}): Promise<NetrcLock> {
  const lockPath = `${file}.lock`;
  const timeoutMs = options.lockTimeoutMs ?? 10_000;
  const staleMs = options.staleLockMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const useLink = { value: true };
  let recoveredStale = false;
  let wait = 5;
  for (;;) {
    const info: LockInfo = { pid: process.pid, host: hostname(), time: Date.now(), nonce: randomBytes(8).toString('hex') };
    const content = JSON.stringify(info);
    let created: boolean;
    try {
      created = await createLock(file, lockPath, content, useLink);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CredentialStoreError('netrc', `Cannot create the lock file ${lockPath} (${code ?? 'error'})`, {
        file,
        hint: `Check that the folder of ${file} exists and that you can write to it.`,
        cause: e,
      });
    }
    if (created) {
      return {
        lockPath,
        recoveredStale,
        async stillHeld() {
          return (await readFile(lockPath, 'utf8').catch(() => undefined)) === content;
        },
        async release() {
          if ((await readFile(lockPath, 'utf8').catch(() => undefined)) === content) {
            await unlink(lockPath).catch(() => undefined);
          }
        },
      };
    }
    const raw = await readFile(lockPath, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : ''));
    if (raw === undefined) continue; // released in between: try again at once
    if (await isStale(lockPath, raw, staleMs)) {
      if (await breakStale(file, lockPath, raw)) {
        recoveredStale = true;
        continue;
      }
    }
    if (Date.now() >= deadline) throw new NetrcLockError(file);
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 100);
  }
}

/**
 * Runs `fn` holding `<file>.lock`, the netrc writer's lock (same waiting, stale-lock recovery and
 * NetrcLockError after `lockTimeoutMs`), for other files lk rewrites by read, edit and rename
 * (the CLI's servers.json): concurrent writers then never lose each other's changes.
 * @public
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: NetrcLockOptions = {}): Promise<T> {
  const lock = await acquireNetrcLock(file, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
