import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from './version.js';

describe('VERSION', () => {
  it('matches packages/cli/package.json', () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'packages/cli/package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
