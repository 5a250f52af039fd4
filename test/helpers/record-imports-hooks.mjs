// Loader hooks for record-imports.mjs: log each resolved URL.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.LK_IMPORT_LOG) appendFileSync(process.env.LK_IMPORT_LOG, `${r.url}\n`);
  return r;
}
