import { analyzeKeyShape, type Secret } from '@lk/sdk';
import { result, type Check, type CheckStatus } from '../check.js';
import { describeShapeProblems } from '../key-shape.js';
import { lines, liveMachineEntry } from './shared.js';

interface Candidate {
  where: string;
  raw: string;
  secret: Secret;
}

/**
 * What the stored keys look like: a stale `apikey|`/`session|` prefix, whitespace, quotes, or not
 * 64 lower-case hex. Only the shape is reported (length, prefix, fingerprint), never characters.
 * A prefixed key that the server accepts as is is a legacy (pre-23.3) key: it keeps working
 * exactly as issued, so it is only a warning and is never stripped.
 */
export const keyShape: Check = {
  id: 'key-shape',
  title: 'key format',
  async run(facts) {
    const candidates: Candidate[] = [];
    const netrc = facts.netrc.parsed;
    if (facts.server && netrc) {
      const e = liveMachineEntry(netrc, facts.server.hostname) ?? netrc.find(facts.server.hostname);
      if (e?.password) candidates.push({ where: `${facts.netrc.location.path} ${lines(e)}`, raw: e.password.reveal(), secret: e.password });
    }
    for (const r of facts.sources) {
      const c = r.credential;
      if (!c || c.source.startsWith('netrc:')) continue;
      candidates.push({ where: c.details?.variable ? `the environment variable ${c.details.variable}` : c.source, raw: c.apiKey.reveal(), secret: c.apiKey });
    }
    if (candidates.length === 0) return result(this, 'skip', 'No key found to check.');
    let status: CheckStatus = 'pass';
    const details: string[] = [];
    const fixes: string[] = [];
    const worse = (s: CheckStatus) => {
      if (s === 'fail' || (s === 'warn' && status === 'pass')) status = s;
    };
    for (const c of candidates) {
      const shape = analyzeKeyShape(c.raw);
      const id = `key ${facts.fingerprint(c.secret)}`;
      const problems = describeShapeProblems(shape);
      if (problems.length === 0) {
        details.push(`${id} in ${c.where}: 64 lower-case hex characters.`);
        continue;
      }
      if (shape.prefix && shape.legacyBody && !shape.quoted && !shape.innerWhitespace && facts.server) {
        const verdict = await facts.verify(c.secret);
        if (verdict.kind === 'accepted') {
          worse('warn');
          details.push(`${id} in ${c.where}: legacy format (\`${shape.prefix}\` + 32 hex, issued before LabKey 23.3), still accepted.`);
          fixes.push('Consider generating a new key (External Tool Access page) and `lk auth login`; keep the old one as is until then (the prefix is part of it).');
          continue;
        }
      }
      const broken = shape.empty || shape.innerWhitespace || shape.quoted || shape.nonAscii;
      worse(broken ? 'fail' : 'warn');
      details.push(`${id} in ${c.where}: ${problems.join('; ')}.`);
      if (shape.nonAscii) fixes.push(`Copy the key again as plain text (64 characters, 0-9 a-f) into ${c.where}, or run \`lk auth login\`.`);
      else if (shape.quoted) fixes.push(`Remove the quote characters around the key in ${c.where}.`);
      else if (shape.surroundingWhitespace || shape.innerWhitespace) fixes.push(`Remove the whitespace in the key in ${c.where}.`);
      else if (shape.prefix) fixes.push('See the key check below: lk tries the key without the prefix.');
      else fixes.push(`Copy the key again (it is 64 characters, 0-9 a-f) and run \`lk auth login\`.`);
    }
    return result(this, status, details.join('\n'), [...new Set(fixes)].join(' '));
  },
};
