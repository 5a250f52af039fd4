/**
 * lk's own settings: the servers it knows (base URL with scheme, port and context path; default
 * container; auth scheme; where the key was stored), the default server, and what is known about
 * keys by fingerprint (expiry, rowId, description) so the SDK can tell "expired" from "revoked".
 * Never a secret: keys live in the netrc file or the OS keychain only.
 *
 * The file is `servers.json` in `$LK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/lk`, else `~/.config/lk`.
 * Writes are atomic (temp file in the same folder, fsync, rename), under `servers.json.lock`.
 * A store reads the file once (a command is one view of it), see {@link createConfigStore}.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { KeyInfo } from '@lk/sdk';
import { CliError } from './cli-error.js';

// Every command reads the config; only a change writes it. The read is synchronous: it keeps
// node:fs/promises (fs.promises) unloaded on that path (~1.3 ms, ~3.5 ms under the heap flags)
// and libuv's thread pool unstarted (the SDK's netrc read is synchronous too, see its
// credentials/fs-async.ts): `lk auth token` then uses no thread of the pool, ~3 ms less.

export type AuthScheme = 'apikey' | 'basic' | 'bearer';
export type KeyStore = 'netrc' | 'keychain';

export interface ServerEntry {
  /** The base URL as the SDK's `normalizeServerUrl` writes it (also the key in `servers`). */
  url: string;
  container?: string;
  auth?: AuthScheme;
  store?: KeyStore;
}

/** Facts about a key that are safe to write down: the SDK's KeyInfo, which it reads back to explain a 401. */
export type StoredKeyInfo = KeyInfo;

export interface ConfigData {
  version: 1;
  defaultServer?: string;
  servers: Record<string, ServerEntry>;
  keys: Record<string, StoredKeyInfo>;
}

export const CONFIG_FILE = 'servers.json';

/** Where the config lives: `$LK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/lk`, else `~/.config/lk`. */
export function configDir(env: Readonly<Record<string, string | undefined>>, homedir: string | undefined): string {
  if (env.LK_CONFIG_DIR) return env.LK_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'lk');
  if (homedir) return join(homedir, '.config', 'lk');
  throw new CliError('LK_CONFIG', 'Cannot find a place for the lk config: HOME is not set.', {
    hint: 'Set HOME, or LK_CONFIG_DIR to a folder lk may write to.',
  });
}

function emptyConfig(): ConfigData {
  return { version: 1, servers: {}, keys: {} };
}

export interface ConfigStore {
  readonly file: string;
  /** The config, a new object each call: from the file's text as this store first read it, or as it last wrote it. */
  load(): Promise<ConfigData>;
  /** Reads the file afresh (under the lock), applies `change`, writes atomically, returns the new config. */
  update(change: (c: ConfigData) => void): Promise<ConfigData>;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  try {
    const dh = await fsp.open(dirname(file), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Not every platform can fsync a directory (Windows); the rename is still atomic.
  }
}

function badConfig(file: string, why: string): CliError {
  return new CliError('LK_CONFIG', `The lk config file ${file} is not usable: ${why}.`, {
    hint: `Fix or delete ${file} (it holds no secrets; run \`lk auth login\` again to recreate it).`,
  });
}

function validate(data: unknown, file: string): ConfigData {
  const bad = (why: string) => badConfig(file, why);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('not a JSON object');
  const d = data as Partial<ConfigData>;
  if (d.version !== 1) throw bad(`unknown version ${String(d.version)}`);
  if (typeof d.servers !== 'object' || d.servers === null) throw bad('"servers" is missing');
  return { version: 1, defaultServer: d.defaultServer, servers: d.servers, keys: typeof d.keys === 'object' && d.keys !== null ? d.keys : {} };
}

/**
 * The config store for `dir`. The file is read on the first load only; later loads parse the same
 * text again (each caller gets its own object to change), and an update's read, under the lock, is
 * always fresh, and its write becomes the text later loads see. `lk auth token` loads the config
 * four times (does lk know a server, which one, where its key is stored, what is known of the key)
 * and now reads it once. Another process's write during a command is seen by its next update, not
 * by its loads: a command works from one view of the file. A failed read (other than a missing
 * file) is not kept: the next load tries again and fails the same way.
 */
export function createConfigStore(dir: string): ConfigStore {
  const file = join(dir, CONFIG_FILE);
  /** The file's text as last read or written; null: there was no file; undefined: not read yet. */
  let seen: string | null | undefined;
  const read = (): string | null => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CliError('LK_CONFIG', `Cannot read the lk config file ${file}: ${(e as Error).message}`, { cause: e });
    }
  };
  const parse = (text: string | null): ConfigData => {
    if (text === null) return emptyConfig();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badConfig(file, 'not valid JSON');
    }
    return validate(parsed, file);
  };
  return {
    file,
    async load() {
      if (seen === undefined) seen = read();
      return parse(seen);
    },
    async update(change) {
      // Read, change and rename under the netrc writer's lock: parallel logins lose no entry.
      await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
      const { sdk } = await import('./sdk.js');
      return sdk.withFileLock(file, async () => {
        const text = read();
        seen = text;
        const c = parse(text);
        change(c);
        const next = `${JSON.stringify(c, null, 2)}\n`;
        seen = undefined; // a failed write may or may not have replaced the file: read it again
        await atomicWrite(file, next);
        seen = next;
        return c;
      });
    },
  };
}

/** The KeyInfoStore the SDK reads to explain a 401 (e.g. "expired on …"). */
export function keyInfoLookup(store: ConfigStore): { get(fingerprint: string): Promise<StoredKeyInfo | undefined> } {
  return {
    async get(fingerprint) {
      try {
        return (await store.load()).keys[fingerprint];
      } catch {
        return undefined; // a broken config must not hide the real error
      }
    },
  };
}
