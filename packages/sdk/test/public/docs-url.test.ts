// An error's docsUrl must lead somewhere a user of the published package can find: the repository
// @lk/sdk declares in its package.json, at the TROUBLESHOOTING.md the package ships.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_BASE_URL, InvalidArgumentError } from '@lk/sdk';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  repository: { url: string; directory: string };
  files?: string[];
};

test("docsUrl is under the repository @lk/sdk's package.json declares, at its TROUBLESHOOTING.md", () => {
  const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  expect(DOCS_BASE_URL).toBe(`${repo}/blob/main/${pkg.repository.directory}/TROUBLESHOOTING.md`);
  expect(new InvalidArgumentError('x').docsUrl.startsWith(`${repo}/`)).toBe(true);
  expect(pkg.files).toContain('TROUBLESHOOTING.md');
  expect(readFileSync(join(__dirname, '..', '..', 'TROUBLESHOOTING.md'), 'utf8')).toContain('## ');
});
