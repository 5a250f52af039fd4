/**
 * `lk doctor --fix`: applies the repairs the checks offered, after a backup copy, through the
 * SDK's atomic writer (lock, temp file, fsync, rename). Text edits run in one locked
 * read-edit-write, value edits first and moves last; the writer leaves the file at mode 0600,
 * which is also the permissions repair.
 */
import type { Deps, SdkModule } from '../../deps.js';
import { errorSummary } from '../../handle-error.js';
import type { CheckResult, Repair } from './check.js';
import { backupFile } from './backup.js';
import type { DoctorFacts } from './facts.js';
import type { FixRecord } from './render.js';

export interface FixOutcome {
  fixed: FixRecord[];
  notFixed: { id: string; description: string; why: string }[];
  backup?: string;
}

/**
 * Applies the repairs `results` offer. Makes the backup first, unless `backedUp` says one was
 * already made in this run (a later round of the same `--fix` must keep the original, not an
 * intermediate state).
 */
export async function applyRepairs(results: CheckResult[], facts: DoctorFacts, deps: Deps, sdk: SdkModule, backedUp = false): Promise<FixOutcome> {
  const repairs: Repair[] = results.flatMap((r) => r.repairs ?? []);
  const out: FixOutcome = { fixed: [], notFixed: [] };
  const file = facts.netrc.location.path;
  if (repairs.length === 0 || !file) return out;

  if (!backedUp) out.backup = await backupFile(file, deps.now());
  const textRepairs = repairs.filter((r) => r.kind === 'text' && r.edit).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const modeRepairs = repairs.filter((r) => r.kind === 'mode');
  let changedBy: Repair[] = [];
  let failed: { repair: Repair; why: string }[] = [];
  const editAll = (text: string): string => {
    // The writer may call this again (after losing its lock): start from scratch each time.
    changedBy = [];
    failed = [];
    let cur = text;
    for (const r of textRepairs) {
      try {
        const next = r.edit!(cur, sdk);
        if (next !== cur) {
          changedBy.push(r);
          cur = next;
        }
      } catch (e) {
        failed.push({ repair: r, why: reason(e) });
      }
    }
    return cur;
  };
  let write: Awaited<ReturnType<SdkModule['updateNetrcFile']>>;
  try {
    write = await sdk.updateNetrcFile(file, editAll);
  } catch (e) {
    // The file changed under us (and no longer parses), another writer held the lock, or the
    // folder is read-only: nothing was written. Report it with the rest instead of aborting.
    for (const r of repairs) out.notFixed.push({ id: r.id, description: r.description, why: reason(e) });
    return out;
  }
  for (const r of changedBy) out.fixed.push({ id: r.id, description: r.description });
  for (const f of failed) out.notFixed.push({ id: f.repair.id, description: f.repair.description, why: f.why });
  const nowPrivate = write.modeTightened || (write.previousMode !== undefined && (write.previousMode & 0o077) !== 0);
  for (const r of modeRepairs) {
    if (nowPrivate) out.fixed.push({ id: r.id, description: r.description });
    else out.notFixed.push({ id: r.id, description: r.description, why: 'the mode did not change' });
  }
  return out;
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${errorSummary(e)}`;
}
