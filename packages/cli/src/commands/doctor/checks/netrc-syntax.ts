import { result } from '../check.js';
import { netrcFileCheck } from './netrc-check.js';

/** Warning codes other checks explain better (duplicates, after default, machine names). */
const COVERED = new Set(['duplicate-machine', 'entry-after-default', 'machine-not-hostname']);

/** Syntax errors (with line and column) and skipped tokens. Never shows a token's value. */
export const netrcSyntax = netrcFileCheck({
  id: 'netrc-syntax',
  title: 'netrc syntax',
  run(file, facts) {
    const err = facts.netrc.syntaxError;
    if (err) {
      return result(
        this,
        'fail',
        `${file} line ${err.line}, column ${err.column}: ${err.message}. No client can use this file until it is fixed.`,
        err.kind === 'unterminated-quote'
          ? `Edit ${file} at line ${err.line}: add the closing " on that line (a quoted value ends on the line it starts on), or remove the opening one.`
          : `Edit ${file} at line ${err.line}: write the keyword's value after it (e.g. \`password KEY\`), or delete the keyword; \`lk auth login\` writes a whole entry.`,
      );
    }
    const warnings = (facts.netrc.parsed?.warnings ?? []).filter((w) => !COVERED.has(w.code));
    const n = facts.netrc.parsed?.entries.length ?? 0;
    if (warnings.length === 0) return result(this, 'pass', `${file} parses cleanly (${n} ${n === 1 ? 'entry' : 'entries'}).`);
    const list = warnings.map((w) => `line ${w.line}, column ${w.column}: ${w.message}`).join('\n');
    return result(this, 'warn', `${file} parses, but some tokens are skipped:\n${list}`, `Edit ${file} at the lines above (each entry is \`machine HOST login apikey password KEY\`).`);
  },
});
