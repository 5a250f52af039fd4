// Controller `security`: createApiKey, ensureLogin; controller `user`: impersonateUser.
import { principalFromSession } from '../authenticate.js';
import { ActionError, API_USAGE_EXCEPTION, FilterError, MSG_NO_PERMISSION, NOT_FOUND_EXCEPTION } from '../errors.js';
import { KEY_ROLES } from '../generations.js';
import { permsFor } from '../permissions.js';
import type { RouteDef } from '../route.js';
import { ensureSession } from './session-cookie.js';

/**
 * POST {type: 'apikey' | 'session', description?, role?} → `{"apikey": "<key>"}` (64 hex; before 23.3
 * `apikey|` or `session|` + 32 hex) (SecurityController
 * CreateApiKeyAction). Disabled → 404; impersonating → 403 (API keys); unknown type → 404;
 * missing type → 500. From 26.7 `role` (a role class) restricts the key, an unknown one is a 404;
 * before, the server ignores it. Before 24.x there is no description to keep.
 */
/** An answer that holds a key must not be kept by a browser or proxy cache. */
const NO_STORE = { 'Cache-Control': 'no-store' };

export const createApiKey: RouteDef = {
  name: 'security-createApiKey',
  postOnly: true,
  csrf: true,
  permission: 'login',
  handler(ctx) {
    const type = ctx.param('type');
    const state = ctx.services.state;
    if (type === undefined) {
      throw new ActionError(
        500,
        'Cannot invoke "String.equals(Object)" because the return value of "org.labkey.core.security.SecurityController$CreateApiKeyForm.getType()" is null',
        'java.lang.NullPointerException',
      );
    }
    if (type === 'apikey') {
      if (!state.settings.allowApiKeys) throw new ActionError(404, 'Creation of API keys is disabled', NOT_FOUND_EXCEPTION);
      if (ctx.principal.impersonated) throw new FilterError(403, "Can't create an API key while impersonating");
      const gen = state.generation;
      const description = gen.keyDescription ? ctx.param('description') : undefined;
      const roleParam = gen.keyRoles ? ctx.param('role')?.trim() || undefined : undefined;
      if (roleParam !== undefined && !KEY_ROLES.some((r) => r.uniqueName === roleParam)) {
        throw new ActionError(404, 'Restiction role was not found!', NOT_FOUND_EXCEPTION);
      }
      const key = state.createKeyForUser(ctx.principal.user!.id, description, roleParam ?? null);
      return { body: { apikey: key }, headers: NO_STORE };
    }
    if (type === 'session') {
      if (!state.settings.allowSessionKeys) throw new ActionError(404, 'Creation of session keys is disabled', NOT_FOUND_EXCEPTION);
      const session = ensureSession(ctx);
      return { body: { apikey: state.createSessionKey(session) }, headers: NO_STORE };
    }
    throw new ActionError(404, 'Invalid type specified', NOT_FOUND_EXCEPTION);
  },
};

/** `{"currentUser": {…}}` with the can* and isAdmin flags as the strings "true"/"false". */
export const ensureLogin: RouteDef = {
  name: 'security-ensureLogin',
  postOnly: false,
  csrf: false,
  permission: 'login',
  handler(ctx) {
    const u = ctx.principal.user!;
    const t = (b: boolean) => (b ? 'true' : 'false');
    // What the user may do in this folder (cut down to a 26.7 key's role).
    const perms = permsFor(u, ctx.container, ctx.principal.role);
    return {
      body: {
        currentUser: {
          id: u.id,
          displayName: u.displayName,
          email: u.email,
          canInsert: t(perms.has('insert')),
          canUpdate: t(perms.has('update')),
          canUpdateOwn: t(perms.has('update')),
          canDelete: t(perms.has('delete')),
          canDeleteOwn: t(perms.has('delete')),
          isAdmin: t(perms.has('admin')),
        },
      },
    };
  },
};

/** Site admins only; POST `userId` or `email`. The impersonation lives in the HTTP session. */
export const impersonateUser: RouteDef = {
  name: 'user-impersonateUser',
  postOnly: true,
  csrf: true,
  permission: 'login',
  handler(ctx) {
    const p = ctx.principal;
    if (!p.user?.siteAdmin) throw new FilterError(403, MSG_NO_PERMISSION);
    const state = ctx.services.state;
    const idParam = ctx.param('userId');
    const emailParam = ctx.param('email');
    const target =
      idParam !== undefined && idParam !== '' ? state.userById(Number(idParam)) : emailParam ? state.userRecord(emailParam) : undefined;
    if (idParam === undefined && !emailParam) throw new ActionError(400, 'Must specify userId or email', API_USAGE_EXCEPTION);
    if (!target) throw new ActionError(404, "User doesn't exist", NOT_FOUND_EXCEPTION);
    if (target.id === p.realUser!.id) throw new ActionError(400, "Can't impersonate yourself", API_USAGE_EXCEPTION);
    const session = ensureSession(ctx);
    session.impersonatedUserId = target.id;
    ctx.principal = principalFromSession(state, session);
    return { body: { success: true } };
  },
};

/** 26.7: the roles a key can be restricted to, `[{uniqueName, displayName}]`. */
export const getApiKeyRoles: RouteDef = {
  name: 'security-getApiKeyRoles',
  postOnly: false,
  csrf: false,
  permission: 'login',
  handler: () => ({ body: KEY_ROLES.map((r) => ({ uniqueName: r.uniqueName, displayName: r.displayName })) }),
};

export const securityRoutes = [createApiKey, ensureLogin, impersonateUser];
/** The security routes a generation has. */
export function securityRoutesFor(keyRoles: boolean): RouteDef[] {
  return keyRoles ? [...securityRoutes, getApiKeyRoles] : securityRoutes;
}
