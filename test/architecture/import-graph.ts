/**
 * The relative-import graph of the packages' sources, and its cycles. Every form counts, type-only
 * included: `import … from`, `import type … from`, `export … from`, side-effect `import '…'` and
 * dynamic `import('…')`. Only relative specifiers (`./x.js`, `../y/index.js`) are edges; package
 * imports (`@lk/sdk`, `node:fs`) are not, since a package never imports itself by name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Every `.ts` file under `dir` (recursively), skipping `node_modules` and `dist`. */
export function listTsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTsFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

/**
 * The specifiers `source` imports, in every form listed above. TypeScript's own pre-processor
 * finds them (comments and strings are skipped as the compiler skips them).
 */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The `.ts` file a relative specifier names (`./x.js` → `x.ts`, `./dir` → `dir/index.ts`), if it exists. */
function resolveSpecifier(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.(m|c)?js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => files.has(c));
}

/** file → the files it imports relatively. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps = new Set<string>();
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolveSpecifier(file, spec, known);
      if (target) deps.add(target);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/**
 * The cycles of `graph`, each as a path `a → b → … → a` starting at its smallest file, found by a
 * depth-first search (one cycle per back edge met; every strongly connected part with a cycle
 * yields at least one).
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        const start = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join('\n');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]!]);
        }
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The cycles among the sources of every package under `root/packages/*\/src`, paths relative to `root`. */
export function packageCycles(root: string): string[][] {
  const files = readdirSync(join(root, 'packages')).flatMap((pkg) => {
    const src = join(root, 'packages', pkg, 'src');
    try {
      return statSync(src).isDirectory() ? listTsFiles(src) : [];
    } catch {
      return [];
    }
  });
  return findCycles(importGraph(files)).map((c) => c.map((f) => relative(root, f)));
}
