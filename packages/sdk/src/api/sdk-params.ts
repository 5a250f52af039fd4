/**
 * The query-string parameters the SDK adds to query requests for its own reading of the answer:
 * the compact format, paging, and the total on the first page. query.ts sets them; an error about
 * a request names its URL without them (errors/to-labkey-error.ts), so a message does not open
 * with lk's mechanics. One list, for both.
 */
export const SDK_URL_PARAMS = Object.freeze({
  respFormat: 'respFormat',
  maxRows: 'query.maxRows',
  offset: 'query.offset',
  showRows: 'query.showRows',
  includeTotalCount: 'includeTotalCount',
} as const);

/** The names of {@link SDK_URL_PARAMS}. */
export const SDK_URL_PARAM_NAMES: ReadonlySet<string> = new Set(Object.values(SDK_URL_PARAMS));
