import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** How many of doctor's backups of a file are kept: they hold old keys. */
export const KEEP_BACKUPS = 3;

/** `20261127T081700Z`: sortable, no characters a file system dislikes. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies `file` to `<file>.lk-backup-<timestamp>` with mode 0600 before `--fix` touches it. The
 * copy is created with 0600 from the start (never readable by others, even for a moment) and never
 * overwrites an earlier backup. Only the newest {@link KEEP_BACKUPS} are kept (each holds the keys
 * the file held then). Returns the backup's path.
 */
export async function backupFile(file: string, now: Date): Promise<string> {
  const bytes = await fsp.readFile(file);
  const base = `${file}.lk-backup-${backupStamp(now)}`;
  for (let n = 0; n < 100; n++) {
    const path = n === 0 ? base : `${base}-${n}`;
    let fh;
    try {
      fh = await fsp.open(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    try {
      await fh.writeFile(bytes);
      await fh.chmod(0o600); // a umask cannot loosen it, but be explicit
      await fh.sync();
    } finally {
      await fh.close();
    }
    await pruneBackups(file, KEEP_BACKUPS);
    return path;
  }
  throw new Error(`too many backups of ${file} at the same second`);
}

/** The backups `lk doctor --fix` made of `file`, oldest first. */
export async function backupsOf(file: string): Promise<string[]> {
  const prefix = `${basename(file)}.lk-backup-`;
  const names = await fsp.readdir(dirname(file)).catch(() => [] as string[]);
  const stamped = names.filter((n) => n.startsWith(prefix) && /^\d{8}T\d{6}Z(-\d+)?$/.test(n.slice(prefix.length)));
  // Same-second copies get -1, -2…: order by stamp, then by that number.
  const key = (n: string) => {
    const [stamp, k] = n.slice(prefix.length).split('-');
    return `${stamp}.${(k ?? '0').padStart(3, '0')}`;
  };
  return stamped.sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((n) => join(dirname(file), n));
}

/** Removes all but the newest `keep` backups of `file`. */
export async function pruneBackups(file: string, keep: number): Promise<void> {
  const all = await backupsOf(file);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await fsp.rm(old, { force: true });
}
