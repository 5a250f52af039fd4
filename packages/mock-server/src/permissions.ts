import type { Container } from './containers.js';
import { KEY_ROLES } from './generations.js';
import type { UserRecord } from './records.js';

/**
 * The mock's permission model (a simplification of LabKey roles):
 * - guest: nothing (only actions that need no permission: whoAmI, getContainers, login…);
 * - a signed-in user: Read, Insert, Update, Delete in every project and folder; Read in the root;
 * - a site admin: everything, plus Admin and User Management.
 */
export type Perm = 'read' | 'insert' | 'update' | 'delete' | 'admin' | 'userManagement';

const CLASS: Record<Perm, string> = {
  read: 'org.labkey.api.security.permissions.ReadPermission',
  insert: 'org.labkey.api.security.permissions.InsertPermission',
  update: 'org.labkey.api.security.permissions.UpdatePermission',
  delete: 'org.labkey.api.security.permissions.DeletePermission',
  admin: 'org.labkey.api.security.permissions.AdminPermission',
  userManagement: 'org.labkey.api.security.permissions.UserManagementPermission',
};

const BITS: Record<Perm, number> = { read: 1, insert: 2, update: 4, delete: 8, admin: 32768, userManagement: 0 };

/**
 * The user's permissions in `c`; with a 26.7 key `role`, cut down to what that role grants (in
 * every folder, as PermissionsRestrictedUser does).
 */
export function permsFor(user: UserRecord | null, c: Container, role: string | null = null): Set<Perm> {
  let perms: Set<Perm>;
  if (!user) perms = new Set();
  else if (user.siteAdmin) perms = new Set(['read', 'insert', 'update', 'delete', 'admin', 'userManagement']);
  else if (c.type === 'root') perms = new Set(['read']);
  else perms = new Set(['read', 'insert', 'update', 'delete']);
  if (role === null) return perms;
  const granted = new Set<string>(KEY_ROLES.find((r) => r.uniqueName === role)?.perms ?? []);
  return new Set([...perms].filter((p) => granted.has(p)));
}

export function hasPerm(user: UserRecord | null, c: Container, p: Perm, role: string | null = null): boolean {
  return permsFor(user, c, role).has(p);
}

export function permClassNames(perms: Set<Perm>): string[] {
  return [...perms].map((p) => CLASS[p]).sort();
}

export function permBits(perms: Set<Perm>): number {
  let b = 0;
  for (const p of perms) b |= BITS[p];
  return b;
}
