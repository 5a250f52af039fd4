/**
 * `lk completion bash|zsh|fish` prints a completion script; the script calls the hidden
 * `lk __complete -- WORDS…`, which prints the candidates for the last word, one per line.
 */
import { Argument, type Command } from 'commander';
import type { Deps } from '../../deps.js';
import { complete } from './complete.js';
import { completionScript, SHELLS, type Shell } from './scripts.js';

export function registerCompletion(program: Command, deps: Deps): void {
  program
    .command('completion')
    .description('print a shell completion script: `source <(lk completion bash)`, zsh likewise, `lk completion fish | source`')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices([...SHELLS]))
    .action(async (shell: Shell) => {
      await deps.io.out(completionScript(shell));
    });
  program
    .command('__complete', { hidden: true })
    .description('completion candidates for the words after `lk`, one per line (used by the completion scripts)')
    .argument('[words...]', 'the words after lk, the one being completed last')
    .helpOption(false)
    .action(async (words: string[]) => {
      const out = await complete(program, words.length ? words : [''], deps);
      if (out.length) await deps.io.out(`${out.join('\n')}\n`);
    });
}
