import { fileURLToPath } from 'node:url';

// ESM-only on purpose (import.meta, which jest cannot parse): sql-process.ts imports this file only
// when the package runs as built ES modules.
export function sqlRunnerPath(): string {
  return fileURLToPath(new URL('./sql-runner.js', import.meta.url));
}
