// The one place that builds the query engine (src/query/, written separately).
import { createQueryEngine, type EngineOptions } from './query/index.js';
import type { QueryEngine } from './query/types.js';

export function createEngine(opts: EngineOptions): QueryEngine | undefined {
  return createQueryEngine(opts);
}
