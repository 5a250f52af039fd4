// project-getContainers (ProjectController.GetContainersAction, Container.toJSON): open to guests,
// filtered by permission.
import type { UserRecord } from '../records.js';
import type { Container } from '../containers.js';
import { ActionError, ILLEGAL_ARGUMENT_EXCEPTION, NOT_FOUND_EXCEPTION } from '../errors.js';
import { permBits, permClassNames, permsFor } from '../permissions.js';
import type { ActionContext, RouteDef } from '../route.js';
import { CONTAINER_FILTERS } from '../query/index.js';

interface Opts {
  depth: number;
  includeEffectivePermissions: boolean;
  includeStandardProperties: boolean;
  contextPath: string;
}

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  return /^(true|1|on|yes)$/i.test(v);
}

/** Who asks: the user, and the role a 26.7 key cuts them down to. */
interface Viewer {
  user: UserRecord | null;
  role: string | null;
}

function canRead(user: Viewer, c: Container): boolean {
  return permsFor(user.user, c, user.role).has('read');
}

function hasReadableDescendant(user: Viewer, c: Container): boolean {
  return c.children.some((ch) => canRead(user, ch) || hasReadableDescendant(user, ch));
}

function toJson(user: Viewer, c: Container, o: Opts, depth: number): Record<string, unknown> {
  const perms = permsFor(user.user, c, user.role);
  const children = (): Record<string, unknown>[] =>
    depth > 0
      ? c.children.filter((ch) => canRead(user, ch) || hasReadableDescendant(user, ch)).map((ch) => toJson(user, ch, o, depth - 1))
      : [];
  if (!perms.has('read')) {
    // Unreadable: only its visible descendants (and its name when there are some).
    const kids = children();
    if (kids.length === 0) return { children: [] };
    return { name: c.name, path: c.path, userPermissions: 0, activeModules: [], folderType: '', children: kids };
  }
  const out: Record<string, unknown> = { name: c.name, path: c.path };
  if (o.includeStandardProperties) {
    out.parentPath = c.parent ? c.parent.path : null;
    out.title = c.title;
    out.formats = { dateFormat: 'yyyy-MM-dd', dateTimeFormat: 'yyyy-MM-dd HH:mm', timeFormat: 'HH:mm', numberFormat: null };
  }
  out.id = c.id;
  out.userPermissions = permBits(perms);
  if (o.includeEffectivePermissions) out.effectivePermissions = permClassNames(perms);
  if (o.includeStandardProperties) {
    out.parentId = c.parent ? c.parent.id : null;
    out.startUrl = `${o.contextPath}${c.path === '/' ? '' : c.path.split('/').map(encodeURIComponent).join('/')}/project-begin.view`;
    out.iconHref = `${o.contextPath}/_images/icon_folders.png`;
    out.sortOrder = c.sortOrder;
    out.isWorkbook = false;
    out.isContainerTab = false;
    out.type = c.type === 'root' ? 'project' : c.type;
    out.activeModules = ['Core', 'List', 'Query'];
    out.folderType = 'Collaboration';
    out.hasRestrictedActiveModule = false;
    out.auditCommentsRequired = false;
  }
  out.children = children();
  return out;
}

function descendants(c: Container): Container[] {
  return c.children.flatMap((ch) => [ch, ...descendants(ch)]);
}

function projectOf(c: Container): Container | undefined {
  let p: Container | null = c;
  while (p && p.type !== 'project') p = p.parent;
  return p ?? undefined;
}

/** The containers a `containerFilter` names, relative to `c` (ContainerFilter.Type). */
function filterContainers(ctx: ActionContext, c: Container, filter: string): Container[] {
  const shared = ctx.services.containers.find('/Shared');
  const project = projectOf(c);
  const plusShared = (list: Container[]) => (shared ? [...list, shared] : list);
  switch (filter) {
    case 'Current':
      return [c];
    case 'CurrentAndSubfolders':
      return [c, ...descendants(c)];
    case 'CurrentAndSubfoldersPlusShared':
      return plusShared([c, ...descendants(c)]);
    case 'CurrentAndFirstChildren':
      return [c, ...c.children];
    case 'CurrentAndParents': {
      const out: Container[] = [];
      for (let p: Container | null = c; p; p = p.parent) out.push(p);
      return out;
    }
    case 'CurrentPlusProject':
      return project ? [c, project] : [c];
    case 'CurrentPlusProjectAndShared':
      return plusShared(project ? [c, project] : [c]);
    case 'AllInProject':
      return project ? [project, ...descendants(project)] : [c];
    case 'AllInProjectPlusShared':
      return plusShared(project ? [project, ...descendants(project)] : [c]);
    default: // AllFolders
      return [ctx.services.containers.root, ...descendants(ctx.services.containers.root)];
  }
}

export const getContainers: RouteDef = {
  name: 'project-getContainers',
  postOnly: false,
  csrf: false,
  permission: 'none',
  handler(ctx: ActionContext) {
    const user: Viewer = { user: ctx.principal.user, role: ctx.principal.role };
    const includeSubfolders = bool(ctx.param('includeSubfolders'), false);
    const depthParam = ctx.param('depth');
    const depth = includeSubfolders ? (depthParam !== undefined && depthParam !== '' ? Math.max(0, Number(depthParam) || 0) : 1000) : 1;
    const o: Opts = {
      depth,
      includeEffectivePermissions: bool(ctx.param('includeEffectivePermissions'), true),
      includeStandardProperties: bool(ctx.param('includeStandardProperties'), true),
      contextPath: ctx.services.contextPath,
    };
    // `container` may repeat: in a JSON body as an array, or as repeated parameters.
    let requested: string[] = [];
    const jv = ctx.json?.container;
    if (Array.isArray(jv)) requested = jv.map(String);
    else if (typeof jv === 'string') requested = [jv];
    else requested = ctx.params.getAll('container');
    const targets = requested.length
      ? requested.map((r) => {
          const c = ctx.services.containers.find(r);
          if (!c) throw new ActionError(404, 'Could not find requested container', NOT_FOUND_EXCEPTION);
          return c;
        })
      : [ctx.container];
    // containerFilter: a flat list of the readable containers it names, without children.
    const cf = ctx.param('containerFilter');
    if (cf !== undefined && cf !== '') {
      if (!(CONTAINER_FILTERS as readonly string[]).includes(cf)) {
        throw new ActionError(500, "'containerFilter' parameter is not valid", ILLEGAL_ARGUMENT_EXCEPTION);
      }
      const seen = new Set<Container>();
      for (const t of targets) for (const c of filterContainers(ctx, t, cf)) if (canRead(user, c)) seen.add(c);
      return { body: { containers: [...seen].map((c) => { const j = toJson(user, c, o, 0); delete j.children; return j; }) } };
    }
    if (bool(ctx.param('multipleContainers'), false) || targets.length > 1) {
      return { body: { containers: targets.map((c) => toJson(user, c, o, depth)) } };
    }
    return { body: toJson(user, targets[0]!, o, depth) };
  },
};
