import { analyzeKeyShape, describeSource, Secret, stripLegacyPrefix, type Credential } from '@lk/sdk';
import { result, type Check, type Repair } from '../check.js';
import { describeShapeProblems } from '../key-shape.js';
import { externalToolAccessUrl } from '../../auth/shared/tool-access-url.js';
import { lines } from './shared.js';

/**
 * The key lk would use is accepted: whoAmI answers with a user (not guest, no 401). When a key
 * with an `apikey|`/`session|` prefix is rejected, the same key without the prefix is tried: a
 * modern key pasted with a stray prefix works without it, and then (for a netrc key) `--fix`
 * strips the prefix. A legacy key that works as issued is left alone (see the key format check).
 */
export const keyAccepted: Check = {
  id: 'key-accepted',
  title: 'key accepted',
  async run(facts) {
    if (!facts.server) return result(this, 'skip', 'No server to ask.');
    const base = await facts.workingBase();
    if (!base) return result(this, 'skip', 'Not asked: the server URL does not work (see the server check).');
    // With a wrong context path the key is still checked, where the server does answer.
    const at = base !== facts.server.url ? ` (asked at ${base}, where the server answers)` : '';
    const login = `lk auth login --server ${base}`;
    const eff = facts.effective;
    if (!eff) {
      // Each source's reason, and the system's own text behind it (the keychain's D-Bus error) here only.
      const tried = facts.sources.map((r) => `${r.source}: ${r.outcome}${r.reason ? ` (${r.reason}${r.detail ? `; ${r.detail}` : ''})` : ''}`).join('; ');
      const detail = `No key for ${facts.server.hostname}. Tried ${tried || 'nothing'}.`;
      // A broken netrc file, or an entry the checks above can repair, is the problem to fix first:
      // that is a failure of the file (exit 1), not a rejected key.
      if (facts.sources.some((r) => r.outcome === 'error') || facts.netrc.syntaxError) {
        return result(this, 'fail', detail, 'Fix the problem the checks above report (the netrc file cannot be read), then run `lk doctor` again.');
      }
      if (facts.pendingRepairs.length > 0) {
        return result(this, 'fail', detail, `Fix the netrc entry as the checks above say (\`lk doctor --fix\` can), or run \`${login}\`.`);
      }
      return result(this, 'fail', detail, `Run \`${login}\`.`, { authError: 'LK_NO_CREDENTIALS' });
    }
    const where = `key ${eff.fingerprint} from ${describeSource(eff)}`;
    // A key no HTTP header can carry (the SDK refuses to send it): asking would only echo that refusal.
    const shape = analyzeKeyShape(eff.apiKey.reveal());
    if (shape.innerWhitespace || shape.nonAscii) {
      return result(this, 'fail', `${where} cannot be sent, so it was not tried: ${describeShapeProblems(shape).join('; ')}.`, 'Fix the key as the key format check says, then run `lk doctor` again.');
    }
    const verdict = await facts.verify(eff.apiKey);
    if (verdict.kind === 'accepted') {
      // LabKey 26.3 and later also read the standard `Authorization: Bearer` scheme: recommend it.
      const tip =
        facts.auth !== 'bearer' && (await facts.takesBearer(eff.apiKey))
          ? ` This server also reads keys sent as \`Authorization: Bearer\` (LabKey 26.3 and later), the standard scheme proxies and logs already treat as secret: \`${login} --auth bearer\` sends the key that way.`
          : '';
      return result(this, 'pass', `${where} is accepted${at}: it belongs to ${verdict.email}.${tip}`);
    }
    if (verdict.kind === 'error') return result(this, 'fail', `Could not check ${where}: ${verdict.why}.`, 'Run `lk doctor` again; if it persists, check the server.');

    const raw = eff.apiKey.reveal();
    const stripped = stripLegacyPrefix(raw);
    if (stripped !== undefined && stripped !== '') {
      const bare = new Secret(stripped);
      const v2 = await facts.verify(bare);
      if (v2.kind === 'accepted') {
        const prefix = raw.slice(0, raw.length - stripped.length);
        const detail = `${where} is rejected (${verdict.why}), but the same key without the \`${prefix}\` prefix is accepted (it belongs to ${v2.email}): the prefix does not belong to this key (keys since LabKey 23.3 have none).`;
        const repair = eff.source.startsWith('netrc:') ? stripRepair(facts, eff, prefix) : undefined;
        let fix: string;
        if (repair) fix = `Remove \`${prefix}\` from the password in ${describeSource(eff)} (\`lk doctor --fix\` does this).`;
        else if (eff.source.startsWith('env:')) fix = `Set ${eff.source.slice(4)} to the key without the \`${prefix}\` prefix.`;
        else fix = `Store the key without the \`${prefix}\` prefix: \`${login}\`.`;
        return result(this, 'fail', detail, fix, { authError: 'LK_API_KEY_REJECTED', ...(repair ? { repairs: [repair] } : {}) });
      }
    }
    // Another source may hold a key that works.
    const others = facts.sources.map((r) => r.credential).filter((c): c is Credential => !!c && c.fingerprint !== eff.fingerprint);
    for (const c of others) {
      const v = await facts.verify(c.apiKey);
      if (v.kind === 'accepted') {
        const fix = eff.source.startsWith('env:')
          ? `Unset ${eff.source.slice(4)}: the key in ${describeSource(c)} is accepted.`
          : `Remove the rejected key (${eff.fingerprint}); the key in ${describeSource(c)} is accepted.`;
        return result(this, 'fail', `${where} is rejected (${verdict.why}); key ${c.fingerprint} from ${describeSource(c)} is accepted (it belongs to ${v.email}).`, fix, { authError: 'LK_API_KEY_REJECTED' });
      }
    }
    // The SDK's diagnosis ("it expired at …", "it is the key for <other server>"), as lk query says it.
    const because = verdict.kind === 'rejected' && verdict.because ? verdict.because : `${verdict.why}; it is expired, revoked, or for another server`;
    const fix =
      verdict.kind === 'rejected' && verdict.reason === 'other-server' && verdict.hint
        ? verdict.hint
        : `Create a new key on ${externalToolAccessUrl(base)}, then run \`${login}\`.`;
    return result(this, 'fail', `${where} is rejected: ${because}.`, fix, { authError: 'LK_API_KEY_REJECTED' });
  },
};

function stripRepair(facts: Parameters<Check['run']>[0], eff: Credential, prefix: string): Repair | undefined {
  const netrc = facts.netrc.parsed;
  if (!netrc || !facts.server) return undefined;
  const entry = netrc.find(facts.server.hostname);
  if (entry?.kind !== 'machine') return undefined; // a \`default\` entry applies to every host: not ours to edit
  if (!entry || !entry.password || facts.fingerprint(entry.password) !== eff.fingerprint) {
    // The SDK normalises the key (trims it); compare on the trimmed value too.
    if (!entry?.password || facts.fingerprint(entry.password.reveal().trim()) !== eff.fingerprint) return undefined;
  }
  const index = entry.index;
  const fingerprint = eff.fingerprint;
  return {
    id: 'strip-prefix',
    kind: 'text',
    order: 1,
    description: `removed the stale \`${prefix}\` prefix from the key in ${facts.netrc.location.path} ${lines(entry)}`,
    edit(text, sdk) {
      // The live entry for the host, as long as it still holds the very key that was checked.
      const e = sdk.parseNetrc(text).entries[index];
      const pw = e?.password?.reveal().trim();
      if (!e || e.kind !== 'machine' || pw === undefined || sdk.fingerprintKey(pw) !== fingerprint || !pw.startsWith(prefix)) return text;
      return sdk.setNetrcEntryText(text, e.machine!, { password: new Secret(pw.slice(prefix.length)) });
    },
  };
}
