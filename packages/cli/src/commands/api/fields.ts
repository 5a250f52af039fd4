/**
 * `lk api` request fields, as `gh api` reads them:
 * - `-f key=value`: a string, as written;
 * - `-F key=value`: typed: `true`, `false`, `null` and whole numbers become JSON values;
 *   `@file` is the file's content (`@-`: stdin), a JSON value when it parses as one (so
 *   `-F rows=@rows.json` sends the rows), else the text;
 * - `key[]=value` (either flag) appends to an array.
 */
import { readFile } from 'node:fs/promises';
import { usageError } from '../../cli-error.js';

export type FieldValue = string | number | boolean | null | FieldValue[] | { [k: string]: FieldValue };
export type Fields = Record<string, FieldValue>;

export interface FieldSources {
  /** `-f` values, in order. */
  raw: string[];
  /** `-F` values, in order. */
  typed: string[];
}

function split(flag: string, arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw usageError(`${flag} ${arg}: a field is key=value.`, `e.g. ${flag} schemaName=lists${flag === '-F' ? ', -F maxRows=10 or -F rows=@rows.json' : ''}.`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function typedScalar(v: string): FieldValue {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^-?(0|[1-9]\d{0,14})$/.test(v)) return Number(v);
  return v;
}

async function fromFile(spec: string, readStdin: () => Promise<string>): Promise<FieldValue> {
  let text: string;
  if (spec === '-') text = await readStdin();
  else {
    try {
      text = await readFile(spec, 'utf8');
    } catch (e) {
      throw usageError(`Cannot read ${spec} for -F: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, 'Give a file that exists, e.g. -F rows=@rows.json, or @- for stdin.');
    }
  }
  try {
    return JSON.parse(text) as FieldValue;
  } catch {
    return text;
  }
}

function put(fields: Fields, key: string, value: FieldValue): void {
  if (key.endsWith('[]')) {
    const k = key.slice(0, -2);
    const prev = fields[k];
    if (prev === undefined) fields[k] = [value];
    else if (Array.isArray(prev)) prev.push(value);
    else throw usageError(`Field ${k} is given both as a value and as an array (${k}[]).`, `Use ${k}[]=… for every value of ${k}.`);
    return;
  }
  fields[key] = value;
}

/** The fields of `-f` and `-F`, `-f` first then `-F` (a later value for the same key wins). */
export async function parseFields(src: FieldSources, readStdin: () => Promise<string>): Promise<Fields> {
  const fields: Fields = {};
  for (const a of src.raw) {
    const [k, v] = split('-f', a);
    put(fields, k, v);
  }
  let stdinUsed = false;
  for (const a of src.typed) {
    const [k, v] = split('-F', a);
    if (v.startsWith('@')) {
      if (v === '@-') {
        if (stdinUsed) throw usageError('Only one field can be read from stdin (@-).');
        stdinUsed = true;
      }
      put(fields, k, await fromFile(v.slice(1), readStdin));
    } else put(fields, k, typedScalar(v));
  }
  return fields;
}

/** True when every field can go in a query string or a form (no objects, no nested arrays). */
export function flat(fields: Fields): boolean {
  const scalar = (v: FieldValue) => v === null || typeof v !== 'object';
  return Object.values(fields).every((v) => scalar(v) || (Array.isArray(v) && v.every(scalar)));
}

/** Fields as query-string or form parameters (null leaves a field out, as LabKey reads a missing one). */
export function asParams(fields: Fields): Record<string, string | number | boolean | (string | number | boolean)[]> {
  const out: Record<string, string | number | boolean | (string | number | boolean)[]> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null) continue;
    if (Array.isArray(v)) out[k] = v.filter((x) => x !== null).map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)) as (string | number | boolean)[];
    else out[k] = typeof v === 'object' ? JSON.stringify(v) : v;
  }
  return out;
}
