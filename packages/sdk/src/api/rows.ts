import type { FieldInfo, QueryResult } from './types.js';

/**
 * Turns any selectRows/executeSql response into {@link QueryResult}: 8.3 flat rows (minus the
 * `_labkeyurl_*` link keys), 9.1 cell objects `{value, displayValue, …}`, and 13.2+ rows
 * `{data: {col: {value}}, links}` (multi-value columns as arrays of values). The detection looks
 * at the first row only, so a page costs one pass over its rows.
 */
export function normalizeQueryResponse<R>(json: Record<string, unknown>): QueryResult<R> {
  const rawRows = Array.isArray(json.rows) ? (json.rows as Record<string, unknown>[]) : [];
  const schema = Array.isArray(json.schemaName) ? (json.schemaName as string[]).join('.') : String(json.schemaName ?? '');
  const rowCount = typeof json.rowCount === 'number' ? json.rowCount : undefined;
  return {
    rows: normalizeRows<R>(rawRows),
    rowCount,
    schemaName: schema,
    queryName: String(json.queryName ?? ''),
    fields: queryFields(json),
  };
}

/** The fields of a selectRows/executeSql response's metadata (none without metadata), without touching its rows. */
export function queryFields(json: Record<string, unknown>): FieldInfo[] {
  const meta = (json.metaData ?? undefined) as { fields?: unknown[] } | undefined;
  return Array.isArray(meta?.fields) ? meta.fields.map(toField) : [];
}

function toField(f: unknown): FieldInfo {
  const o = (f ?? {}) as Record<string, unknown>;
  const fk = o.fieldKey;
  const fieldKey = Array.isArray(fk) ? fk.join('/') : typeof fk === 'string' ? fk : typeof o.fieldKeyPath === 'string' ? o.fieldKeyPath : String(o.name ?? '');
  return {
    name: String(o.name ?? fieldKey),
    fieldKey,
    type: typeof o.jsonType === 'string' ? o.jsonType : typeof o.type === 'string' ? o.type : undefined,
    caption: typeof o.caption === 'string' ? o.caption : undefined,
  };
}

function isCell(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in (v as object);
}

function cellValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((c) => (isCell(c) ? c.value : c));
  return isCell(v) ? v.value : v;
}

export function normalizeRows<R>(rows: Record<string, unknown>[]): R[] {
  const first = rows[0];
  if (first === undefined) return [];
  // 13.2+: { data: { col: {value} }, links? }
  if (first.data !== null && typeof first.data === 'object' && !Array.isArray(first.data) && Object.values(first.data as object).every((c) => isCell(c) || Array.isArray(c))) {
    return rows.map((r) => {
      const out: Record<string, unknown> = {};
      const data = r.data as Record<string, unknown>;
      for (const k in data) out[k] = cellValue(data[k]);
      return out as R;
    });
  }
  const keys = Object.keys(first);
  // 9.1: every cell an object with `value`.
  if (keys.length > 0 && keys.every((k) => isCell(first[k]) || (Array.isArray(first[k]) && (first[k] as unknown[]).every(isCell)))) {
    return rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const k in r) if (!k.startsWith('_labkeyurl_')) out[k] = cellValue(r[k]);
      return out as R;
    });
  }
  // 8.3: flat already; drop link keys if there are any.
  const linkKeys = keys.filter((k) => k.startsWith('_labkeyurl_'));
  if (linkKeys.length === 0) return rows as R[];
  for (const r of rows) for (const k of linkKeys) delete r[k];
  return rows as R[];
}
