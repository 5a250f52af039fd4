/**
 * The CLI never takes the SDK as a module namespace (`import('@lk/sdk')`, `import * as x from
 * '@lk/sdk'`, `export * from '@lk/sdk'`): in the bundle, a namespace object is built when the bundle
 * loads, one getter per export (the SDK's 127, ~0.35 ms of every lk run). lk reaches the SDK through
 * named imports, and through `deps.sdk()`, which hands out packages/cli/src/sdk.ts's plain object.
 * Type positions (`typeof import('@lk/sdk')`, `import type`) cost nothing and are allowed.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { listTsFiles } from './import-graph.js';

const root = join(__dirname, '..', '..');
const SDK = '@lk/sdk';

/** The places in `source` that take `@lk/sdk` as a namespace at run time, as `line: text`. */
function namespaceUses(source: string): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (n: ts.Node) => `${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf).split('\n')[0]}`;
  const isSdk = (e: ts.Node | undefined) => e !== undefined && ts.isStringLiteral(e) && e.text === SDK;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && isSdk(n.arguments[0])) found.push(at(n));
    if (ts.isImportDeclaration(n) && isSdk(n.moduleSpecifier) && !n.importClause?.isTypeOnly && n.importClause?.namedBindings && ts.isNamespaceImport(n.importClause.namedBindings)) found.push(at(n));
    if (ts.isExportDeclaration(n) && isSdk(n.moduleSpecifier) && !n.isTypeOnly && (n.exportClause === undefined || ts.isNamespaceExport(n.exportClause))) found.push(at(n));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('the CLI and the SDK namespace (bundle load cost)', () => {
  it('the check sees each namespace form, and not named, type-only or type-position imports', () => {
    const source = [
      "import { a } from '@lk/sdk';",
      "import type * as T from '@lk/sdk';",
      "type M = typeof import('@lk/sdk');",
      "const m = await import('@lk/sdk');",
      "import * as ns from '@lk/sdk';",
      "export * from '@lk/sdk';",
      "export * as again from '@lk/sdk';",
      "export { b } from '@lk/sdk';",
      "const other = await import('./sdk.js');",
    ].join('\n');
    expect(namespaceUses(source)).toEqual([
      "4: import('@lk/sdk')",
      "5: import * as ns from '@lk/sdk';",
      "6: export * from '@lk/sdk';",
      "7: export * as again from '@lk/sdk';",
    ]);
  });

  it('no module of packages/cli/src takes @lk/sdk as a namespace', () => {
    const src = join(root, 'packages', 'cli', 'src');
    const uses = listTsFiles(src)
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) => namespaceUses(readFileSync(f, 'utf8')).map((u) => `${relative(root, f)}:${u}`));
    expect(uses).toEqual([]);
  });
});
