/**
 * openAtomicFile and signals: lk must already be watching for SIGINT, SIGTERM and SIGHUP when its
 * temp file appears, or a `kill` that lands between the two ends lk with the temp file left beside
 * FILE (the e2e test in test/e2e/typed-export.e2e.test.ts hit that window under load; this test
 * sees the order itself, through the listeners being added).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicFile } from './atomic-file.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

describe('openAtomicFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lk-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('watches every signal it cleans up after before its temp file exists, and stops watching once committed', () => {
    const seen = new Map<string, string[]>();
    const onNew = (event: string | symbol) => {
      if (typeof event === 'string' && (SIGNALS as readonly string[]).includes(event)) seen.set(event, readdirSync(dir));
    };
    const before = SIGNALS.map((s) => process.listenerCount(s));
    process.on('newListener', onNew);
    let file;
    try {
      file = openAtomicFile(join(dir, 'out.csv'));
    } finally {
      process.off('newListener', onNew);
    }
    expect([...seen.keys()].sort()).toEqual([...SIGNALS].sort());
    for (const s of SIGNALS) expect(seen.get(s)).toEqual([]);
    expect(readdirSync(dir)).toEqual([file.tmp.slice(dir.length + 1)]);
    file.write('a,b\n');
    file.commit();
    expect(readdirSync(dir)).toEqual(['out.csv']);
    expect(statSync(join(dir, 'out.csv')).size).toBe(4);
    expect(SIGNALS.map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('a temp file it cannot create leaves no signal watch behind, and says which FILE', () => {
    const before = SIGNALS.map((s) => process.listenerCount(s));
    const target = join(dir, 'no-such-folder', 'out.csv');
    expect(() => openAtomicFile(target)).toThrow(expect.objectContaining({ code: 'LK_OUTPUT', message: expect.stringContaining(`Cannot write ${target}`) }));
    expect(SIGNALS.map((s) => process.listenerCount(s))).toEqual(before);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});
