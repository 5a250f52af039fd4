// createProgram(deps, args) registers only the group the first word names, and of it only the command
// the second word names: every command's help, and what commander answers to a wrong verb or
// option, must be what the whole tree answers.
import { CommanderError, type Command } from 'commander';
import { useTestDeps } from './testing/harness.js';
import { createProgram } from './program.js';

/** Every command under `cmd` with the words that reach it (`['auth', 'token']`), hidden ones too. */
function paths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...paths(c, [...prefix, c.name()])]);
}

function at(program: Command, path: string[]): Command | undefined {
  let cur: Command | undefined = program;
  for (const w of path) cur = cur?.commands.find((c) => c.name() === w);
  return cur;
}

/** The CommanderError a parse of `args` throws (the tests give only args that fail before an action). */
async function parseError(program: Command, args: string[]): Promise<{ code: string; message: string }> {
  try {
    await program.parseAsync(['node', 'lk', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`lk ${args.join(' ')} did not fail`);
}

describe('createProgram: the tree for a group or a command alone', () => {
  const deps = useTestDeps();

  it('holds only the group the first word names and its command the second word names; other words get all', async () => {
    const all = (await createProgram(deps)).commands.map((c) => c.name());
    expect(all).toEqual(['auth', 'query', 'keys', 'doctor', 'api', 'completion', '__complete']);
    expect((await createProgram(deps, ['auth', 'token'])).commands.map((c) => c.name())).toEqual(['auth']);
    expect((await createProgram(deps, ['auth', 'token'])).commands[0]!.commands.map((c) => c.name())).toEqual(['token']);
    expect((await createProgram(deps, ['query'])).commands.map((c) => c.name())).toEqual(['query']);
    const auth = (await createProgram(deps)).commands[0]!.commands.map((c) => c.name());
    expect(auth).toEqual(['login', 'status', 'logout', 'token']);
    for (const args of [['auth'], ['auth', '--help'], ['auth', 'help', 'token'], ['auth', 'tokn']]) {
      expect((await createProgram(deps, args)).commands[0]!.commands.map((c) => c.name())).toEqual(auth);
    }
    for (const args of [[], ['--help'], ['help', 'auth'], ['--timeout', '5', 'auth', 'token'], ['auht', 'token'], ['completion', 'bash'], ['__complete', '--', 'au']]) {
      expect((await createProgram(deps, args)).commands.map((c) => c.name())).toEqual(all);
    }
  });

  it("every command's help is the same as in the whole tree", async () => {
    const eager = await createProgram(deps);
    const all = paths(eager);
    expect(all.length).toBeGreaterThan(15);
    for (const path of all) {
      const lazy = at(await createProgram(deps, path), path);
      expect({ path, help: lazy?.helpInformation() }).toEqual({ path, help: at(eager, path)?.helpInformation() });
    }
  });

  it('a wrong verb or option gets the same error and suggestion as from the whole tree', async () => {
    const eager = await createProgram(deps);
    const cases = [
      ...eager.commands.filter((g) => g.commands.length > 0).flatMap((g) => [[g.name(), 'nosuchverb'], [g.name(), g.commands[0]!.name().slice(0, -1)]]),
      ...paths(eager).map((path) => [...path, '--servr', 'x']),
      ['auth', '--bogus'],
    ];
    expect(cases.length).toBeGreaterThan(20);
    for (const args of cases) {
      const want = await parseError(await createProgram(deps), args);
      expect({ args, error: await parseError(await createProgram(deps, args), args) }).toEqual({ args, error: want });
    }
  });
});
