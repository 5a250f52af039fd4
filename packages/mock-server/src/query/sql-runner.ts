/**
 * The SQL runner: the child process the mock runs executeSql statements in (forked by
 * sql-process.ts; argv[2] is a private directory for database images). A statement stuck in
 * SQLite blocks only this process, and the mock kills it at the time cap.
 *
 * Each target's image arrives as a SQLite file's bytes; the runner writes it to the directory,
 * attaches it under the target's schema name to a fresh read-only connection with LabKey's SQL
 * functions, and removes the file (the connection keeps it open; it reads the pages through a
 * memory map, as fast as the mock's in-memory database). Lists targets are kept across
 * statements, the most recently used first, until their data changes.
 * @module
 */
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ActionError } from '../errors.js';
import { runJob, type JobTarget, type SqlJob, type SqlReply } from './sql-job.js';
import { addLabKeyFunctions, sqliteToParseError, type SqlContext } from './sql.js';
import { q } from './values.js';

/** Copies kept at once (one per container that ran SQL lately). */
const MAX_KEPT = 8;

interface Copy {
  version: string;
  db: Database.Database;
  stmts: Map<string, Database.Statement>;
}

const dir = process.argv[2]!;
let nowMs = 0;
const ctx: SqlContext = { now: () => new Date(nowMs), user: undefined };
const copies = new Map<string, Copy>();
let files = 0;

function open(t: JobTarget & { image: Uint8Array }): Copy {
  const file = join(dir, `${process.pid}-${++files}.db`);
  writeFileSync(file, t.image, { mode: 0o600, flag: 'wx' });
  const db = new Database(':memory:');
  try {
    db.prepare(`ATTACH DATABASE ? AS ${q(t.schema)}`).run(file);
    db.pragma('query_only = ON');
    db.pragma(`${q(t.schema)}.mmap_size = 1073741824`);
    addLabKeyFunctions(db, ctx);
  } catch (e) {
    db.close();
    throw e;
  } finally {
    unlinkSync(file);
  }
  return { version: t.version, db, stmts: new Map() };
}

/** The copy a job runs on, or undefined when the runner lacks that version (the mock then sends it). */
function copyFor(t: JobTarget): Copy | undefined {
  let c = copies.get(t.key);
  if (t.image) {
    c?.db.close();
    copies.delete(t.key);
    c = open({ ...t, image: t.image });
  } else if (!c || c.version !== t.version) {
    return undefined;
  }
  copies.delete(t.key); // re-inserted last: the map's order is least recently used first
  copies.set(t.key, c);
  for (const [k, old] of copies) {
    if (copies.size <= MAX_KEPT) break;
    old.db.close();
    copies.delete(k);
  }
  return c;
}

function answer(job: SqlJob): SqlReply {
  try {
    const c = copyFor(job.target);
    if (!c) return { id: job.id, needImage: true };
    nowMs = job.nowMs;
    ctx.user = job.user;
    try {
      return { id: job.id, ok: true, ...runJob(c.db, c.stmts, job, (part) => process.send!({ id: job.id, part } satisfies SqlReply)) };
    } finally {
      ctx.user = undefined;
      // A caller's copy of a virtual schema holds their own rows only: never kept for another.
      if (!job.target.keep) {
        c.db.close();
        copies.delete(job.target.key);
      }
    }
  } catch (e) {
    const err = e instanceof ActionError ? e : sqliteToParseError(e);
    return { id: job.id, ok: false, status: err.status, message: err.message, exceptionClass: err.exceptionClass };
  }
}

process.on('message', (job: SqlJob) => process.send!(answer(job)));
// The mock went away (a crash or a kill: close() removes the directory itself): so does the runner.
process.on('disconnect', () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
process.send!({ ready: true });
