/**
 * What `lk __complete -- WORDS…` offers for the last word: subcommands, flags, the choices of a
 * flag, known servers (lk's config) after --server, and schema and query names (the discovery
 * cache, never the network) for `lk query select|queries|columns`. Read from the command tree, so
 * a new command or flag completes without an edit here.
 */
import type { Command, Option } from 'commander';
import type { Deps } from '../../deps.js';
import { resolveServer } from '../shared/server.js';
import { cachedNames } from './cache.js';
import { SHELLS } from './scripts.js';

function visible(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function optionFor(cmd: Command, word: string): Option | undefined {
  return cmd.options.find((o) => o.long === word || o.short === word);
}

const takesValue = (o: Option | undefined): boolean => !!o && (o.required || o.optional);

/** The command the words name, its positional arguments so far, and the option values given. */
function walk(program: Command, words: string[]): { cmd: Command; args: string[]; values: Map<string, string>; pending: Option | undefined } {
  let cmd = program;
  const args: string[] = [];
  const values = new Map<string, string>();
  let pending: Option | undefined;
  for (const w of words) {
    if (pending) {
      values.set(pending.long ?? pending.short ?? '', w);
      pending = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const eq = w.indexOf('=');
      const o = optionFor(cmd, eq > 0 ? w.slice(0, eq) : w);
      if (o && eq > 0) values.set(o.long ?? '', w.slice(eq + 1));
      else if (takesValue(o)) pending = o;
      continue;
    }
    const sub = args.length === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) cmd = sub;
    else args.push(w);
  }
  return { cmd, args, values, pending };
}

async function servers(deps: Deps): Promise<string[]> {
  try {
    return Object.keys((await deps.config.load()).servers);
  } catch {
    return [];
  }
}

async function cached(deps: Deps, serverFlag: string | undefined, schema?: string): Promise<string[]> {
  try {
    const server = await resolveServer(deps, serverFlag);
    return await cachedNames(deps, server.url, schema);
  } catch {
    return [];
  }
}

/** Positional completions of a leaf command. */
async function argumentValues(deps: Deps, cmd: Command, args: string[], values: Map<string, string>): Promise<string[]> {
  const path: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) path.unshift(c.name());
  const name = path.join(' ');
  if (name === 'completion' && args.length === 0) return [...SHELLS];
  if (name === 'api' && args.length === 0) return [...(await deps.sdk()).KNOWN_ACTIONS];
  if (name === 'query select' || name === 'query queries' || name === 'query columns') {
    if (args.length === 0) return cached(deps, values.get('--server'));
    if (args.length === 1 && name !== 'query queries') return cached(deps, values.get('--server'), args[0]);
  }
  return [];
}

/** The candidates for the last of `words` (the words after `lk`), filtered by what it starts with. */
export async function complete(program: Command, words: string[], deps: Deps): Promise<string[]> {
  const current = words.length ? words[words.length - 1]! : '';
  const { cmd, args, values, pending } = walk(program, words.slice(0, -1));
  let out: string[];
  if (pending) {
    const choices = (pending as unknown as { argChoices?: string[] }).argChoices;
    out = choices ? [...choices] : pending.long === '--server' ? await servers(deps) : [];
  } else if (current.startsWith('-')) {
    out = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    out.push('--help');
  } else if (visible(cmd).length > 0 && args.length === 0) {
    out = visible(cmd).map((c) => c.name());
  } else {
    out = await argumentValues(deps, cmd, args, values);
  }
  return [...new Set(out)].filter((c) => c.startsWith(current));
}
