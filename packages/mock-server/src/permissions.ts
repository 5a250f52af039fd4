import type { Container } from './containers.js';
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

export function permsFor(user: UserRecord | null, c: Container): Set<Perm> {
  if (!user) return new Set();
  if (user.siteAdmin) return new Set(['read', 'insert', 'update', 'delete', 'admin', 'userManagement']);
  if (c.type === 'root') return new Set(['read']);
  return new Set(['read', 'insert', 'update', 'delete']);
}

export function hasPerm(user: UserRecord | null, c: Container, p: Perm): boolean {
  return permsFor(user, c).has(p);
}

export function permClassNames(perms: Set<Perm>): string[] {
  return [...perms].map((p) => CLASS[p]).sort();
}

export function permBits(perms: Set<Perm>): number {
  let b = 0;
  for (const p of perms) b |= BITS[p];
  return b;
}
