/**
 * The names shell completion offers for `lk query select <schema> <query>`: written by the
 * discovery commands (`lk query schemas`, `lk query queries`), read by `lk __complete`, kept a few
 * minutes, per server. A file in lk's config folder (`completion-cache.json`); it holds names only.
 * A cache that cannot be read or written is no cache: completion and discovery never fail on it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir } from '../../config.js';
import type { Deps } from '../../deps.js';

export const CACHE_FILE = 'completion-cache.json';
/** How long names are offered after a discovery command listed them (ms). */
export const CACHE_TTL_MS = 5 * 60 * 1000;

interface Names {
  at: number;
  names: string[];
}
interface ServerNames {
  schemas?: Names;
  queries?: Record<string, Names>;
}
interface CacheData {
  servers: Record<string, ServerNames>;
}

function cachePath(deps: Deps): string {
  return join(configDir(deps.env, deps.homedir), CACHE_FILE);
}

async function load(deps: Deps): Promise<CacheData> {
  try {
    const v = JSON.parse(await readFile(cachePath(deps), 'utf8')) as unknown;
    if (v && typeof v === 'object' && (v as CacheData).servers && typeof (v as CacheData).servers === 'object') return v as CacheData;
  } catch {
    /* none yet, or unreadable: start afresh */
  }
  return { servers: {} };
}

function fresh(n: Names | undefined, now: number): string[] {
  if (!n || !Array.isArray(n.names) || typeof n.at !== 'number' || now - n.at > CACHE_TTL_MS || n.at > now) return [];
  return n.names.filter((s) => typeof s === 'string');
}

/** Remembers the schema names (no `schema`) or a schema's query names the server listed. */
export async function rememberNames(deps: Deps, server: string, names: string[], schema?: string): Promise<void> {
  try {
    const data = await load(deps);
    const now = deps.now().getTime();
    const s = (data.servers[server] ??= {});
    if (schema === undefined) s.schemas = { at: now, names };
    else (s.queries ??= {})[schema.toLowerCase()] = { at: now, names };
    const file = cachePath(deps);
    await mkdir(configDir(deps.env, deps.homedir), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    /* a cache lk cannot write only means no names to complete */
  }
}

/** The schema names (no `schema`) or a schema's query names, when listed less than {@link CACHE_TTL_MS} ago. */
export async function cachedNames(deps: Deps, server: string, schema?: string): Promise<string[]> {
  const s = (await load(deps)).servers[server];
  const now = deps.now().getTime();
  if (!s) return [];
  return schema === undefined ? fresh(s.schemas, now) : fresh(s.queries?.[schema.toLowerCase()], now);
}
