/**
 * The mock's side of the SQL runner (sql-runner.ts): one warm child process that runs executeSql
 * statements one at a time, so a statement stuck in SQLite (a recursive CTE under an aggregate
 * produces no row to check a deadline at) never blocks the mock's event loop. At the time cap the
 * runner is killed (SIGKILL) and the statement answered with the time-cap 500; the next statement
 * starts a new runner. The runner starts on the first statement, not with the mock. Waiting
 * statements take turns by user, so one user's queue of runaways delays another user's statement
 * by at most one time cap.
 *
 * SQLite's own memory (a group_concat over endless rows grew the runner by ~580 MB in 5 s) is not
 * V8 heap, so --max-old-space-size does not bound it: on Linux the mock reads the runner's resident
 * size every 100 ms while a statement runs and stops it past the memory cap the same way.
 *
 * Worker threads were tried first: `worker.terminate()` does not stop a statement running in
 * SQLite's native code (the thread kept a core busy for as long as it was watched), a process
 * can be killed.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ActionError } from '../errors.js';
import type { JobTarget, SqlJob, SqlReply, SqlRows } from './sql-job.js';

/** The runner's V8 heap limit: room for an answer at the result-size cap, and no more. */
const RUNNER_HEAP_MB = 1024;
/** Longest a new runner may take to start (load Node and better-sqlite3) on a loaded machine. */
const START_TIMEOUT_MS = 30_000;
const STATE_ERROR = 'java.lang.IllegalStateException';
/** How often a running statement's runner is weighed. */
const MEMORY_CHECK_MS = 100;

function closingError(): ActionError {
  return new ActionError(503, 'The mock server is closing.', STATE_ERROR);
}

/**
 * A process's resident memory of its own in bytes (anonymous: not the data images it maps), from
 * /proc (Linux); undefined elsewhere or once it is gone.
 */
function residentBytes(pid: number): number | undefined {
  try {
    const m = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The caps a statement runs under. */
export interface SqlProcessOptions {
  /** A statement still running after this many ms is stopped (the runner killed). */
  timeCapMs: number;
  /** A statement whose runner grows past this many resident bytes is stopped (Linux). */
  memoryCapBytes: number;
}

/** A target as the engine describes it: its image is read only when the runner lacks that version. */
export interface TargetSource extends Omit<JobTarget, 'image'> {
  image(): Uint8Array;
}

/** A statement as the engine describes it, built when it is sent (so it sees the data as of then). */
export type JobSource = Omit<SqlJob, 'id' | 'target'> & { target: TargetSource };

interface Pending {
  make: () => JobSource;
  resolve: (rows: SqlRows) => void;
  reject: (e: unknown) => void;
  id: number;
  /** The target and version whose image went with the job, if one did. */
  sent: { key: string; version: string } | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Weighs the runner while the statement runs. */
  watch: NodeJS.Timeout | undefined;
  /** The runner it was sent to. */
  child: ChildProcess | undefined;
  /** Rows that came before the answer (see {@link SqlReply}). */
  rows: unknown[][];
}

/** Where the runner module is and how to start it: the built .js, or the .ts sources under jest. */
async function runnerCommand(): Promise<{ path: string; execArgv: string[] }> {
  if (typeof __filename === 'string') {
    const ext = extname(__filename);
    const path = join(dirname(__filename), `sql-runner${ext}`);
    if (ext !== '.ts') return { path, execArgv: [] };
    // Running from the TypeScript sources (the jest tiers): the runner is compiled as it loads.
    const hooks = join(dirname(__filename), '..', '..', 'scripts', 'ts-child.mjs');
    return { path, execArgv: ['--import', pathToFileURL(hooks).href] };
  }
  const esm = await import('./sql-runner-path-esm.js');
  return { path: esm.sqlRunnerPath(), execArgv: [] };
}

export class SqlProcess {
  private child: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  /** Target key → the version the current runner holds. */
  private readonly held = new Map<string, string>();
  /** Waiting statements by user, users in turn order (the one served last goes to the back). */
  private readonly queues = new Map<string, Pending[]>();
  private lastOwner: string | undefined;
  private current: Pending | undefined;
  private dir: string | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly caps: SqlProcessOptions) {}

  /** Run `owner`'s statement; rejects with the {@link ActionError} the caller should answer. */
  run(owner: string, make: () => JobSource): Promise<SqlRows> {
    return new Promise<SqlRows>((resolve, reject) => {
      if (this.closed) return reject(closingError());
      let q = this.queues.get(owner);
      if (!q) this.queues.set(owner, (q = []));
      q.push({ make, resolve, reject, id: 0, sent: undefined, timer: undefined, watch: undefined, child: undefined, rows: [] });
      this.pump();
    });
  }

  /** The next statement: the oldest of the user whose turn it is (another user's than the last, when there is one). */
  private takeNext(): Pending | undefined {
    let owner: string | undefined;
    for (const o of this.queues.keys()) {
      owner ??= o;
      if (o !== this.lastOwner) {
        owner = o;
        break;
      }
    }
    if (owner === undefined) return undefined;
    const q = this.queues.get(owner)!;
    const p = q.shift()!;
    this.queues.delete(owner);
    if (q.length) this.queues.set(owner, q);
    this.lastOwner = owner;
    return p;
  }

  /** Stop the runner and remove its directory. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) for (const p of q.splice(0)) p.reject(closingError());
    this.queues.clear();
    const p = this.current;
    if (p) this.settle(p, () => p.reject(closingError()));
    this.child?.kill('SIGKILL');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const next = this.takeNext();
    if (!next) {
      this.child?.channel?.unref(); // an idle runner keeps no process alive
      return;
    }
    this.current = next;
    this.spawned().then(
      (child) => this.dispatch(child, next, false),
      (e: unknown) => this.settle(next, () => next.reject(e)),
    );
  }

  private dispatch(child: ChildProcess, p: Pending, withImage: boolean): void {
    if (this.current !== p) return;
    let job: SqlJob;
    try {
      const { target, ...rest } = p.make();
      const { image, ...t } = target;
      const send = withImage || this.held.get(t.key) !== t.version;
      if (send) this.held.delete(t.key);
      p.id = this.nextId++;
      p.rows = [];
      p.sent = send ? { key: t.key, version: t.version } : undefined;
      job = { ...rest, id: p.id, target: { ...t, ...(send ? { image: image() } : {}) } };
    } catch (e) {
      this.settle(p, () => p.reject(e));
      return;
    }
    p.child = child;
    child.channel?.ref();
    const stop = (message: string) => {
      this.drop(child);
      this.settle(p, () => p.reject(new ActionError(500, message, STATE_ERROR)));
    };
    const { timeCapMs, memoryCapBytes } = this.caps;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => stop(`The query ran longer than ${timeCapMs} ms and was stopped; use maxRows, or a simpler query.`), timeCapMs);
    clearInterval(p.watch);
    p.watch = setInterval(() => {
      const rss = child.pid === undefined ? undefined : residentBytes(child.pid);
      if (rss !== undefined && rss > memoryCapBytes) {
        stop(`The query used more than ${Math.round(memoryCapBytes / 1048576)} MiB of memory and was stopped; select fewer rows or columns, or use a simpler query.`);
      }
    }, MEMORY_CHECK_MS);
    child.send(job, (e) => {
      if (e) this.lost(child, 'its channel closed');
    });
  }

  /** Kill a runner and forget it: the next statement starts a new one. */
  private drop(child: ChildProcess): void {
    child.kill('SIGKILL');
    if (this.child === child) {
      this.child = undefined;
      this.held.clear();
    }
  }

  /** A runner died or broke: a statement it was running fails with the reason. */
  private lost(child: ChildProcess, how: string): void {
    this.drop(child);
    const p = this.current;
    if (p && p.child === child) {
      this.settle(p, () => p.reject(new ActionError(500, `The query stopped the mock's SQL runner (${how}); select fewer rows or columns, or use a simpler query.`, STATE_ERROR)));
    }
  }

  private onReply(child: ChildProcess, r: SqlReply): void {
    const p = this.current;
    if (!p || r.id !== p.id) return;
    if ('part' in r) {
      for (const row of r.part) p.rows.push(row);
      return;
    }
    if (p.sent) this.held.set(p.sent.key, p.sent.version);
    if ('needImage' in r) return this.dispatch(child, p, true);
    if (!r.ok) return this.settle(p, () => p.reject(new ActionError(r.status, r.message, r.exceptionClass)));
    const rows = r.rows && p.rows.length ? p.rows.concat(r.rows) : r.rows;
    this.settle(p, () => p.resolve({ ...r, rows }));
  }

  /** Finish the statement in flight (once) and start the next. */
  private settle(p: Pending, finish: () => void): void {
    if (this.current !== p) return;
    clearTimeout(p.timer);
    clearInterval(p.watch);
    this.current = undefined;
    finish();
    this.pump();
  }

  private spawned(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawn(): Promise<ChildProcess> {
    const { path, execArgv } = await runnerCommand();
    this.dir ??= mkdtempSync(join(tmpdir(), 'lk-mock-sql-'));
    const child = fork(path, [this.dir], {
      execArgv: [...execArgv, `--max-old-space-size=${RUNNER_HEAP_MB}`],
      serialization: 'advanced',
      env: {},
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.unref();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ActionError(500, `The mock's SQL runner did not start within ${START_TIMEOUT_MS} ms.`, STATE_ERROR));
      }, START_TIMEOUT_MS);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new ActionError(500, `The mock's SQL runner did not start (${signal ?? `exit code ${code}`}).`, STATE_ERROR));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new ActionError(500, `The mock's SQL runner did not start (${e.message}).`, STATE_ERROR));
      });
    });
    if (this.closed) {
      child.kill('SIGKILL');
      throw closingError();
    }
    this.child = child;
    child.on('message', (r: SqlReply) => this.onReply(child, r));
    // Killed at the time cap, its statement was answered already; otherwise the runner died under one.
    child.on('exit', (code, signal) => this.lost(child, signal ?? `exit code ${code}`));
    child.on('error', (e) => this.lost(child, e.message));
    return child;
  }
}
