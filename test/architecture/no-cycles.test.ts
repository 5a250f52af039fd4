import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCycles, importGraph, importSpecifiers, listTsFiles, packageCycles } from './import-graph.js';

const root = join(__dirname, '..', '..');

describe('import graph', () => {
  it('sees every import form, type-only and dynamic included, and not imports in comments', () => {
    const specs = importSpecifiers(
      [
        "import { a } from './a.js';",
        "import type { B } from './b.js';",
        "export { c } from './c.js';",
        "export * from './d.js';",
        "export type { E } from './e.js';",
        "import './f.js';",
        "const g = await import('./g.js');",
        "type H = typeof import('./h.js');",
        "// import { x } from './not-in-a-comment.js';",
        "/* import y from './nor-here.js'; */",
        "const s = 'packages/*/src';",
        "import { z } from './after-a-glob-string.js';",
      ].join('\n'),
    );
    expect(specs.sort()).toEqual(['./a.js', './after-a-glob-string.js', './b.js', './c.js', './d.js', './e.js', './f.js', './g.js', './h.js'].sort());
  });

  it('finds a cycle through a type-only import and reports its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-cycles-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'a.ts'), "import { b } from './sub/b.js';\nexport const a = b;\n");
      writeFileSync(join(dir, 'sub', 'b.ts'), "import type { C } from '../c.js';\nexport const b: C = 1;\n");
      writeFileSync(join(dir, 'c.ts'), "export type C = number;\nexport const c = () => import('./a.js');\n");
      writeFileSync(join(dir, 'd.ts'), "import { a } from './a.js';\nexport const d = a;\n");
      const cycles = findCycles(importGraph(listTsFiles(dir))).map((c) => c.map((f) => f.slice(dir.length + 1)));
      expect(cycles).toEqual([['a.ts', 'sub/b.ts', 'c.ts', 'a.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds no cycle in a graph without one', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('packages', () => {
  it('have no import cycle in packages/*/src (type-only imports included)', () => {
    const cycles = packageCycles(root).map((c) => c.join(' -> '));
    expect(cycles).toEqual([]);
  });
});
