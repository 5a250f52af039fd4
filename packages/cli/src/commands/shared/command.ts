/**
 * The wiring every `lk` command shares: a factory that takes the deps and adds the command to its
 * group, the `--server` option, an action that hands commander's arguments to the command's `run`
 * function with the deps, and the groups (`lk auth`, `lk keys`, `lk query`) that hold them.
 */
import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { addServerOption } from './server.js';

/** What a group calls to add one command: `statusCommand(deps)(auth)`. */
export type CommandFactory = (deps: Deps) => (parent: Command) => Command;

/**
 * A command: `define` adds it to its parent with its description, arguments and options; the
 * action calls `run(...arguments, options, deps)`, with the positional arguments and the options
 * object as commander parses them.
 */
export function command<A extends unknown[]>(define: (parent: Command) => Command, run: (...args: [...A, Deps]) => Promise<unknown>): CommandFactory {
  return (deps) => (parent) =>
    define(parent).action(async (...args: unknown[]) => {
      // commander passes the Command itself last: the run functions take the deps there instead.
      await run(...(args.slice(0, -1) as A), deps);
    });
}

/** A {@link command} that talks to a server: `--server` comes after its own options (help lists it last). */
export function serverCommand<A extends unknown[]>(define: (parent: Command) => Command, run: (...args: [...A, Deps]) => Promise<unknown>): CommandFactory {
  return command((parent) => addServerOption(define(parent)), run);
}

/** A command of a group: its name, and its factory, imported when the command is registered. */
export type Verb = readonly [name: string, load: () => Promise<CommandFactory>];

/**
 * A group of commands, e.g. `lk auth`, with each command's factory given the deps. When `args`
 * (the words after `lk`) name one of its commands (`auth token …`), that command alone is
 * registered and only its module loaded: what commander answers then depends on that command and
 * its parents only (help, errors, suggestions for a wrong option). Else every command, in order
 * (the group's help, a wrong verb's suggestions, completion).
 */
export async function registerGroup(program: Command, deps: Deps, name: string, description: string, verbs: readonly Verb[], args?: readonly string[]): Promise<Command> {
  const group = program.command(name).description(description);
  const named = args?.[0] === name ? verbs.find(([verb]) => verb === args[1]) : undefined;
  const factories = await Promise.all((named ? [named] : verbs).map(([, load]) => load()));
  for (const add of factories) add(deps)(group);
  return group;
}
