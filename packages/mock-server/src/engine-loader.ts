// The one place that builds the query engine (src/query/, written separately).
import type { QueryEngine, QueryEngineOptions } from './query/types.js';

export function createEngine(_opts: QueryEngineOptions): QueryEngine | undefined {
  return undefined; // query engine not merged yet: query routes answer 501
}
