// Every error code has its section in TROUBLESHOOTING.md, and every error's docsUrl points at it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, LabKeyError } from '@lk/sdk';

const doc = readFileSync(join(__dirname, '..', '..', 'TROUBLESHOOTING.md'), 'utf8');
const headings = new Set([...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));

test.each(Object.values(ErrorCodes))('%s has a section and the docsUrl anchor matches it', (code) => {
  const anchor = code.toLowerCase();
  expect(headings.has(anchor)).toBe(true);
  const e = new LabKeyError(code, 'x');
  expect(e.docsUrl.endsWith(`TROUBLESHOOTING.md#${anchor}`)).toBe(true);
  // Each section says what to do, not only what happened.
  const section = doc.split(`## ${anchor}\n`)[1]!.split('\n## ')[0]!;
  expect(section).toMatch(/What happened/);
});

test('no section without an error code', () => {
  const codes = new Set(Object.values(ErrorCodes).map((c) => c.toLowerCase()));
  for (const h of headings) expect(codes.has(h!)).toBe(true);
});
