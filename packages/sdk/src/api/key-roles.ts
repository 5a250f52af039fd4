/**
 * Role-restricted API keys (LabKey 26.7): the roles a key can be cut down to, by lk's short names
 * and LabKey's role classes. The one place that maps one to the other.
 */

/** lk's names for the roles a 26.7 key can be restricted to. @public */
export type KeyRoleName = 'reader' | 'author' | 'editor-without-delete' | 'editor';

const CLASS_OF: Readonly<Record<KeyRoleName, string>> = Object.freeze({
  reader: 'org.labkey.api.security.roles.ReaderRole',
  author: 'org.labkey.api.security.roles.AuthorRole',
  'editor-without-delete': 'org.labkey.api.security.roles.EditorWithoutDeleteRole',
  editor: 'org.labkey.api.security.roles.EditorRole',
});

/** The short names, narrowest first. @public */
export const KEY_ROLE_NAMES: readonly KeyRoleName[] = Object.freeze(Object.keys(CLASS_OF) as KeyRoleName[]);

/** A role the server offers for keys (`security-getApiKeyRoles.api`). @public */
export interface ApiKeyRole {
  /** LabKey's role class, e.g. `org.labkey.api.security.roles.ReaderRole`. */
  uniqueName: string;
  displayName: string;
  /** lk's short name for it, when it is one of the four LabKey 26.7 offers. */
  name: KeyRoleName | undefined;
}

/** lk's short name of a role class; undefined for another class. @public */
export function keyRoleName(uniqueName: string): KeyRoleName | undefined {
  return KEY_ROLE_NAMES.find((n) => CLASS_OF[n] === uniqueName);
}

/**
 * A role for people: its short name, else the last part of its class (`ReaderRole` → `Reader`).
 * @public
 */
export function describeKeyRole(uniqueName: string): string {
  return keyRoleName(uniqueName) ?? uniqueName.replace(/^.*\./, '').replace(/Role$/, '');
}

/** The server's role matching `wanted`: lk's short name, the class, or the display name (any case). */
export function findKeyRole(roles: readonly ApiKeyRole[], wanted: string): ApiKeyRole | undefined {
  const w = wanted.trim().toLowerCase();
  return roles.find((r) => r.name === w || r.uniqueName.toLowerCase() === w || r.displayName.toLowerCase() === w);
}
