import type { NetrcReaderView, NetrcReadersReport } from '@lk/sdk';
import { result, type Check, type Repair } from '../check.js';

/**
 * The "readers" section: the netrc file read as LabKey's other clients read it (Python through
 * requests, R through libcurl, the Java client, curl), from the SDK's netrcReaders report. The
 * rules of each reader live in the SDK; this check only renders them and offers the SDK's tidy
 * edit (one entry, in order, no `port`) when that repairs what it found.
 */
export const readers: Check = {
  id: 'netrc-readers',
  title: 'other netrc readers',
  async run(facts) {
    const report = facts.readers;
    if (!facts.server) return result(this, 'skip', 'No server to look up.');
    if (!report) return result(this, 'skip', 'No netrc file for the other readers to read.');
    if (!report.lk) return result(this, 'skip', `lk finds no key for ${report.host} in a netrc file: nothing to compare.`);
    const lines = report.readers.map((v) => line(v, report));
    if (report.allAgree) {
      const names = report.readers.map((v) => v.name);
      return result(this, 'pass', `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} all send key ${report.lk.fingerprint}, the one lk uses.`);
    }
    const details = [...lines, ...report.findings.map((f) => f.message)];
    // Removing duplicates drops their keys: only when the server accepts the key lk keeps.
    const keptKey = facts.netrc.parsed?.find(facts.server.hostname)?.password;
    const dropsKeys = report.findings.some((f) => f.code === 'duplicate-machine' && f.fixable && f.readers.length > 0);
    const keepsWorkingKey = !dropsKeys || (keptKey !== undefined && (await facts.verify(keptKey)).kind === 'accepted');
    const fixable = keepsWorkingKey ? report.findings.filter((f) => f.fixable) : [];
    const manual = report.findings.filter((f) => !fixable.includes(f) && (f.hint || f.code === 'duplicate-machine'));
    const repairs: Repair[] = [];
    if (fixable.length > 0) {
      const host = report.host;
      repairs.push({
        id: 'readers-tidy-entry',
        kind: 'text',
        order: 1,
        description: `rewrote the entry for ${host} as one entry in the order machine, login, password, without port (${[...new Set(fixable.flatMap((f) => f.readers))].map(nameOf(report)).join(', ')} now read it)`,
        edit: (text, sdk) => sdk.tidyNetrcEntryText(text, host),
      });
    }
    const fix = [
      ...(fixable.length ? ["`lk doctor --fix` rewrites lk's entry: one entry, in the order machine, login, password, without port."] : []),
      ...manual.map((f) => f.hint ?? `The server does not accept the key at line ${report.lk!.line}: keep the entry whose key it accepts (see duplicate machines), then run lk doctor --fix.`),
    ].join(' ');
    return result(this, 'warn', details.join('\n'), fix, { repairs });
  },
};

const nameOf = (report: NetrcReadersReport) => (id: string) => report.readers.find((v) => v.reader === id)?.name ?? id;

function line(v: NetrcReaderView, report: NetrcReadersReport): string {
  const where = v.file ? `${v.file}${v.line !== undefined ? ` line ${v.line}` : ''}` : 'no file';
  if (v.sameKeyAsLk) return `✓ ${v.name}: ${where}, the key lk uses (${report.lk!.fingerprint})`;
  return `✗ ${v.name}: ${where}: ${v.why ?? v.outcome}`;
}
