/**
 * What selectRows and executeSql share: parameter parsing, paging, the `rowCount` rule and the
 * caches of total counts and of where key-order pages ended.
 * @module
 */
import { illegal } from './errors.js';
import type { Params } from './types.js';

const DEFAULT_MAX_ROWS = 100000;

/** Valid `containerFilter` values (case-sensitive enum names). */
export const CONTAINER_FILTERS = [
  'Current',
  'CurrentAndSubfolders',
  'CurrentAndSubfoldersPlusShared',
  'CurrentAndFirstChildren',
  'CurrentAndParents',
  'CurrentPlusProject',
  'CurrentPlusProjectAndShared',
  'AllInProject',
  'AllInProjectPlusShared',
  'AllFolders',
] as const;

/** The first value of a parameter. */
export const one = (p: Params, name: string): string | undefined => p[name]?.[0];

/** A boolean parameter as LabKey reads it (true/1/on/yes/t, false/0/off/no/f); otherwise `dflt`. */
export function bool(raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined || raw === '') return dflt;
  const w = raw.toLowerCase();
  if (w === 'true' || w === '1' || w === 'on' || w === 'yes' || w === 't') return true;
  if (w === 'false' || w === '0' || w === 'off' || w === 'no' || w === 'f') return false;
  return dflt;
}

function int(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** An unknown `containerFilter` (or `query.containerFilterName`) fails the request. */
export function checkContainerFilter(params: Params): void {
  const cf = one(params, 'containerFilter') ?? one(params, 'query.containerFilterName');
  if (cf !== undefined && cf !== '' && !(CONTAINER_FILTERS as readonly string[]).includes(cf)) {
    throw illegal("'containerFilter' parameter is not valid");
  }
}

export interface Paging {
  /** null = all rows. */
  limit: number | null;
  offset: number;
  metadataOnly: boolean;
}

/** maxRows (negative: all; 0: metadata only; default 100,000), offset, and showRows=all|none. */
export function pagingOf(maxRaw: string | undefined, offsetRaw: string | undefined, showRows: string | undefined): Paging {
  const offset = Math.max(0, int(offsetRaw) ?? 0);
  const show = showRows?.toLowerCase();
  if (show === 'all') return { limit: null, offset, metadataOnly: false };
  if (show === 'none') return { limit: 0, offset, metadataOnly: true };
  const n = int(maxRaw);
  if (n === undefined) return { limit: DEFAULT_MAX_ROWS, offset, metadataOnly: false };
  if (n < 0) return { limit: null, offset, metadataOnly: false };
  if (n === 0) return { limit: 0, offset, metadataOnly: true };
  return { limit: n, offset, metadataOnly: false };
}

/**
 * `rowCount`: the total; or offset + rows when the page itself proves it (a short page) or the
 * caller opted out with includeTotalCount=false; none for metadata-only answers.
 */
export function rowCountOf(paging: Paging, got: number, includeTotal: boolean, count: () => number): number | undefined {
  if (paging.metadataOnly) return undefined;
  if (!includeTotal) return paging.offset + got;
  if ((paging.limit === null || got < paging.limit) && (got > 0 || paging.offset === 0)) return paging.offset + got;
  return count();
}

/** Total counts by table version and filter, and where each key-order page of a list ended. */
export class ReadCache {
  private readonly counts = new Map<string, number>();
  /** "<table version|filter>@<offset>" → the key the page before it ended on. */
  private readonly resume = new Map<string, unknown>();

  /** The count for `key` (computed once per key); a null key is never cached. */
  count(key: string | null, compute: () => number): number {
    if (key === null) return compute();
    const hit = this.counts.get(key);
    if (hit !== undefined) return hit;
    const n = compute();
    if (this.counts.size >= 2000) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }

  /** The cached count for `key`, if there is one. */
  cachedCount(key: string): number | undefined {
    return this.counts.get(key);
  }

  /** The key the page ending at `offset` ended on, if that page was served. */
  resumeAfter(countKey: string, offset: number): unknown {
    return this.resume.get(`${countKey}@${offset}`);
  }

  /** Remember that the page ending at `offset` ended on `key`. */
  pageEnded(countKey: string, offset: number, key: unknown): void {
    if (this.resume.size >= 10000) this.resume.clear();
    this.resume.set(`${countKey}@${offset}`, key);
  }

  clear(): void {
    this.counts.clear();
    this.resume.clear();
  }
}
