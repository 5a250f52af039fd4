// The one place that builds the query engine (src/query/, written separately).
import { createQueryEngine } from './query/index.js';
import type { QueryEngine, QueryEngineOptions } from './query/types.js';

export function createEngine(opts: QueryEngineOptions & { contextPath?: string }): QueryEngine | undefined {
  return createQueryEngine(opts);
}
