/** A throw-away HOME for one e2e test: its own ~/.netrc and ~/.config/lk, nothing from the real user. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perBlock, perTest } from '../../packages/cli/src/testing/lifecycle.js';

export interface TempHome {
  dir: string;
  netrcPath: string;
  configPath: string;
  writeNetrc(text: string, mode?: number): void;
  readNetrc(): string;
  netrcExists(): boolean;
  netrcMode(): number;
  readConfig(): { defaultServer?: string; servers: Record<string, Record<string, unknown>>; keys: Record<string, Record<string, unknown>> };
  cleanup(): void;
}

export function createTempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'lk-e2e-home-'));
  const netrcPath = join(dir, '.netrc');
  const configPath = join(dir, '.config', 'lk', 'servers.json');
  return {
    dir,
    netrcPath,
    configPath,
    writeNetrc(text, mode = 0o600) {
      writeFileSync(netrcPath, text, { mode });
      chmodSync(netrcPath, mode);
    },
    readNetrc: () => readFileSync(netrcPath, 'utf8'),
    netrcExists: () => existsSync(netrcPath),
    netrcMode: () => statSync(netrcPath).mode & 0o777,
    readConfig: () => JSON.parse(readFileSync(configPath, 'utf8')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh temporary HOME for each test of the enclosing block, removed after it. */
export function useTempHome(): TempHome {
  return perTest('the temporary HOME', createTempHome, (h) => h.cleanup());
}

/** One temporary HOME for all the tests of the enclosing block, removed after the last. */
export function useBlockTempHome(): TempHome {
  return perBlock('the temporary HOME', createTempHome, (h) => h.cleanup());
}
