import { promises as fsp } from 'node:fs';

/** `20261127T081700Z`: sortable, no characters a file system dislikes. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies `file` to `<file>.lk-backup-<timestamp>` with mode 0600 before `--fix` touches it. The
 * copy is created with 0600 from the start (never readable by others, even for a moment) and never
 * overwrites an earlier backup. Returns the backup's path.
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
    return path;
  }
  throw new Error(`too many backups of ${file} at the same second`);
}
