// LabKey action URLs, both styles:
//   new: {ctx}/{container…}/{controller}-{action}.{ext}
//   old: {ctx}/{controller}/{container…}/{action}.{ext}

export interface ParsedActionUrl {
  /** Lowercased controller. */
  controller: string;
  /** Action as written (match it case-insensitively). */
  action: string;
  /** Extension without the dot ('' if none). */
  extension: string;
  /** Decoded container path segments (root = []). */
  containerSegments: string[];
}

/** Normalise a configured context path: '' or '/x[/y]' with no trailing slash. */
export function normalizeContextPath(ctx: string | undefined): string {
  if (ctx === undefined) return '/labkey';
  let c = ctx.trim();
  if (c === '' || c === '/') return '';
  if (!c.startsWith('/')) c = '/' + c;
  while (c.endsWith('/')) c = c.slice(0, -1);
  return c;
}

/** Decode one path segment: a literal `+` is a space, `%2B` a plus (ActionURL.java test). */
function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

/**
 * Parse the path below the context path. Returns undefined when the path is outside the
 * context path or names no action. The last segment names the action; everything from its last
 * `.` is dropped; a dash (not at position 0) means the new style.
 */
export function parseActionPath(pathname: string, contextPath: string): ParsedActionUrl | undefined {
  let rest: string;
  if (contextPath === '') rest = pathname;
  else if (pathname === contextPath || pathname.startsWith(contextPath + '/')) rest = pathname.slice(contextPath.length);
  else return undefined;
  const raw = rest.split('/').filter((s) => s.length > 0);
  if (raw.length === 0) return undefined;
  const last = decodeSegment(raw[raw.length - 1]!);
  const dot = last.lastIndexOf('.');
  const name = dot >= 0 ? last.slice(0, dot) : last;
  const extension = dot >= 0 ? last.slice(dot + 1) : '';
  const before = raw.slice(0, -1).map(decodeSegment);
  const dash = name.lastIndexOf('-');
  if (dash > 0) {
    const controller = name.slice(0, dash).toLowerCase();
    const action = name.slice(dash + 1);
    if (!action) return undefined;
    return { controller, action, extension, containerSegments: before };
  }
  if (before.length === 0) return undefined; // a lone segment names no controller/action pair
  return { controller: before[0]!.toLowerCase(), action: name, extension, containerSegments: before.slice(1) };
}
