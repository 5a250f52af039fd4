/**
 * `lk api <controller-action> [container]`, like `gh api`: any LabKey action with lk's key and
 * server, CSRF handled by the SDK (`client.request`). The answer is printed as JSON: indented on a
 * terminal, compact in a pipe. Errors are the SDK's (a rejected key's cause, a missing role, a
 * misspelt action's "did you mean").
 *
 * Body: `--input FILE` (or `-`) is the JSON body, and the fields then go in the query string;
 * otherwise fields (`-f`, `-F`) go in the query string for GET, and in the body for POST: a form
 * when every field is flat, JSON when one is an object or a list of them. The method is GET with no
 * fields and no input, else POST (as `gh api`); `--method` overrides it.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { ActionRequest, LabKeyClient } from '@lk/sdk';
import { usageError } from '../../cli-error.js';
import type { AuthScheme } from '../../config.js';
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient, AUTH_SCHEMES } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';
import { addFormatOptions } from '../shared/format.js';
import { asParams, flat, parseFields, type Fields } from './fields.js';

export interface ApiOptions {
  server?: string;
  container?: string;
  auth?: AuthScheme;
  method?: 'GET' | 'POST';
  rawField: string[];
  field: string[];
  input?: string;
  paginate?: boolean;
  format?: (typeof API_FORMATS)[number];
  json?: boolean;
}

/** The answer is JSON: --format takes json only (for scripts that pass --format json to every command). */
const API_FORMATS = ['json'] as const;

const collect = (v: string, acc: string[]) => [...acc, v];

export const apiCommand = serverCommand(
  (parent) =>
    // The answer is JSON either way: --json (--format json) makes errors JSON on stdout too.
    addFormatOptions(
      parent
        .command('api')
        .description('call any LabKey API action with lk\'s key, e.g. `lk api query-selectRows.api -f schemaName=lists -f query.queryName=People`')
        .argument('<action>', 'controller-action, e.g. query-selectRows or query-insertRows.api (a container path may come first: /home/query-selectRows.api)')
        .argument('[container]', "container (folder) path, e.g. /home (default: --container, else the server's default container)")
        .option('-f, --raw-field <key=value>', 'a string field, repeatable', collect, [] as string[])
        .option('-F, --field <key=value>', 'a typed field (true, false, null, numbers; @file or @- reads a file or stdin, as JSON when it is JSON), repeatable', collect, [] as string[])
        .option('--input <file>', 'the JSON body, from a file or - for stdin (fields then go in the query string)')
        .addOption(new Option('-X, --method <method>', 'HTTP method (default: GET, or POST with fields or --input)').choices(['GET', 'POST']).argParser((v: string) => v.toUpperCase()))
        .option('--container <path>', "container (folder) path (default: the server's default container)")
        .addOption(new Option('--auth <scheme>', 'how to send the key').choices([...AUTH_SCHEMES]))
        .option('--paginate', 'follow offset/maxRows of a selectRows-style answer until rowCount, printing all rows in one answer'),
      API_FORMATS,
      'json, indented on a terminal',
      'errors too',
    ),
  runApi,
);

export function registerApi(program: Command, deps: Deps): Command {
  return apiCommand(deps)(program);
}

/** `query-selectRows.api`, `/home/query-selectRows`, `query-selectRows.api?x=1` → its parts. */
export function parseActionSpec(spec: string): { controller: string; action: string; container: string | undefined } {
  const bad = () =>
    usageError(`"${spec}" is not a LabKey action: lk api takes controller-action, e.g. query-selectRows.api.`, 'Controllers and actions are in LabKey\'s API docs; `lk api query-getSchemas` is a start.');
  if (/[?#]/.test(spec) || /^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw usageError(`"${spec}": give the action alone, not a URL or a query string.`, 'Fields go in -f key=value (strings) or -F key=value (typed), e.g. lk api query-selectRows -f schemaName=lists.');
  }
  const slash = spec.lastIndexOf('/');
  const container = slash > 0 ? spec.slice(0, slash) : undefined;
  let name = spec.slice(slash + 1);
  const ext = /\.([A-Za-z]+)$/.exec(name);
  if (ext) {
    if (ext[1]!.toLowerCase() !== 'api') throw usageError(`lk api calls .api actions (JSON answers), not .${ext[1]}.`, `Try ${name.slice(0, -ext[0].length)}.api.`);
    name = name.slice(0, -ext[0].length);
  }
  const dash = name.indexOf('-');
  if (dash <= 0 || dash === name.length - 1) throw bad();
  const controller = name.slice(0, dash);
  const action = name.slice(dash + 1);
  if (!/^[A-Za-z][\w.]*$/.test(controller) || !/^[A-Za-z][\w]*$/.test(action)) throw bad();
  return { controller, action, container };
}

async function readInput(file: string, deps: Deps): Promise<unknown> {
  let text: string;
  if (file === '-') text = await deps.io.readStdin();
  else {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw usageError(`Cannot read --input ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, 'Give a JSON file that exists, or - to read stdin.');
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usageError(`--input ${file} is not JSON: ${(e as Error).message}.`, 'LabKey API bodies are JSON objects, e.g. {"schemaName": "lists", "queryName": "People", "rows": [...]}.');
  }
}

type Json = Record<string, unknown>;

/** Paging parameter names: `query.offset`/`query.maxRows` for selectRows-style actions (data region `query`), else `offset`/`maxRows` (executeSql). */
function pagingKeys(fields: Fields, body: unknown): { offset: string; maxRows: string } {
  const region = typeof fields.dataRegionName === 'string' ? fields.dataRegionName : 'query';
  const keys = [...Object.keys(fields), ...(body && typeof body === 'object' ? Object.keys(body) : [])];
  return keys.some((k) => k.startsWith(`${region}.`)) ? { offset: `${region}.offset`, maxRows: `${region}.maxRows` } : { offset: 'offset', maxRows: 'maxRows' };
}

const DEFAULT_PAGE = 1000;

/** Calls the action page by page (`--paginate`), returning the first answer with every page's rows. */
async function paginate(c: LabKeyClient, req: ActionRequest, place: 'params' | 'json', keys: { offset: string; maxRows: string }): Promise<Json> {
  const holder = (): Json => (place === 'json' ? (req.json as Json) : ((req.params ?? {}) as Json));
  const given = Number(holder()[keys.maxRows]);
  const pageSize = Number.isInteger(given) && given > 0 ? given : DEFAULT_PAGE;
  let offset = Number(holder()[keys.offset]) || 0;
  let first: Json | undefined;
  const rows: unknown[] = [];
  for (;;) {
    const page = { ...holder(), [keys.offset]: offset, [keys.maxRows]: pageSize };
    const answer = await c.request<Json>(place === 'json' ? { ...req, json: page } : { ...req, params: page as ActionRequest['params'] });
    if (!Array.isArray(answer.rows)) {
      if (first === undefined) return answer; // not a paged answer: print it as it is
      break;
    }
    first ??= answer;
    rows.push(...answer.rows);
    offset += answer.rows.length;
    const total = typeof first.rowCount === 'number' ? first.rowCount : undefined;
    if (answer.rows.length < pageSize || answer.rows.length === 0 || (total !== undefined && offset >= total)) break;
  }
  return { ...first, rows };
}

export async function runApi(spec: string, containerArg: string | undefined, opts: ApiOptions, deps: Deps): Promise<unknown> {
  const { controller, action, container: inSpec } = parseActionSpec(spec);
  const given = [inSpec, containerArg, opts.container].filter((c): c is string => c !== undefined);
  if (new Set(given).size > 1) throw usageError(`Two containers given (${given.join(' and ')}).`, 'Give the container once: as the argument after the action, or with --container.');
  const fields = await parseFields({ raw: opts.rawField, typed: opts.field }, () => deps.io.readStdin());
  if (opts.input === '-' && opts.field.some((f) => f.includes('=@-'))) throw usageError('--input - and -F …=@- both read stdin.', 'Read one of them from a file.');
  const body = opts.input !== undefined ? await readInput(opts.input, deps) : undefined;
  const hasFields = Object.keys(fields).length > 0;
  const method = opts.method ?? (body !== undefined || hasFields ? 'POST' : 'GET');
  if (method === 'GET' && body !== undefined) throw usageError('--input sends a body, which GET has not.', 'Leave out --method GET, or pass the values as fields (-f key=value).');
  if (method === 'GET' && !flat(fields)) throw usageError('A GET request carries fields in its query string: objects and lists of objects need POST.', 'Leave out --method GET.');

  const req: ActionRequest = { controller, action, method, ...(given[0] !== undefined ? { container: given[0] } : {}) };
  let place: 'params' | 'json';
  if (body !== undefined) {
    req.json = body;
    if (hasFields) req.params = asParams(fields);
    place = 'json';
  } else if (method === 'POST' && !flat(fields)) {
    req.json = fields;
    place = 'json';
  } else {
    req.params = asParams(fields);
    place = 'params';
  }
  if (opts.paginate && place === 'json' && (typeof req.json !== 'object' || req.json === null || Array.isArray(req.json))) {
    throw usageError('--paginate needs a JSON object body (it sets offset and maxRows in it).');
  }

  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server, { auth: opts.auth, container: opts.container });
  return withClient(client, async (c) => {
    const answer = opts.paginate ? await paginate(c, req, place, pagingKeys(fields, req.json)) : await c.request<Json>(req);
    await deps.io.out(`${deps.io.stdoutIsTTY ? JSON.stringify(answer, null, 2) : JSON.stringify(answer)}\n`);
    return answer;
  });
}
