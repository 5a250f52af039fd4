// LabKey Server generations, 22.x to 26.7: one table of what each release changed for API keys
// (the protocol note's section 10). `--labkey-version` / `labkeyVersion` picks a row; every
// generation-dependent rule of the mock reads it from here.

/** LabKey's answer to a bad, expired or revoked API key from 25.7 on. */
export const MSG_BAD_API_KEY = 'The API key you provided is invalid.';
export const MSG_DEACTIVATED = 'Your account has been deactivated.';
export const MSG_SECONDARY_AUTH = 'Authentication failed because secondary authentication is enabled on this server. Consider using an API key instead.';
import { MSG_BAD_CREDENTIALS } from './errors.js';

/** The generations the mock can be, oldest first. 22.11 stands for every release before 23.3. @public */
export const LABKEY_VERSIONS = ['22.11', '23.3', '24.3', '24.11', '25.7', '26.3', '26.7'] as const;
/** @public */
export type LabKeyVersion = (typeof LABKEY_VERSIONS)[number];
export const NEWEST_LABKEY_VERSION: LabKeyVersion = '26.7';

/** The role classes a 26.7 key can be restricted to, as `security-getApiKeyRoles.api` lists them. */
export const KEY_ROLES = [
  { uniqueName: 'org.labkey.api.security.roles.ReaderRole', displayName: 'Reader', perms: ['read'] },
  { uniqueName: 'org.labkey.api.security.roles.AuthorRole', displayName: 'Author', perms: ['read', 'insert'] },
  { uniqueName: 'org.labkey.api.security.roles.EditorWithoutDeleteRole', displayName: 'Editor without Delete', perms: ['read', 'insert', 'update'] },
  { uniqueName: 'org.labkey.api.security.roles.EditorRole', displayName: 'Editor', perms: ['read', 'insert', 'update', 'delete'] },
] as const;

export interface Generation {
  version: LabKeyVersion;
  /** Keys security-createApiKey makes: `apikey|` + 32 hex before 23.3, 64 hex since. */
  keyFormat: 'prefixed' | 'hex64';
  /** Before 24.8 bad credentials (and a deactivated account) silently run as guest. */
  silentGuest: boolean;
  /** The 401 text for a bad, expired or revoked API key (when not silent). */
  badKeyMessage: string;
  /** The 401 text for a wrong email/password (when not silent). */
  badPasswordMessage: string;
  /** `Authorization: Bearer <key>` read after Basic and the `apikey` header (26.3). */
  bearer: boolean;
  /** Role-restricted keys: createApiKey `role`, security-getApiKeyRoles.api (26.7). */
  keyRoles: boolean;
  /** core.APIKeys / UserAPIKeys have Description and LastUsed (24.x). */
  keyDescription: boolean;
  /** The key tables show RestrictionRole (26.7). */
  restrictionRoleColumn: boolean;
  /** Deleting a key ends the sessions it started (26.7); before, they live on until idle. */
  revokeEndsSessions: boolean;
  /** executeSql decodes WAF-encoded `sql` (23.9 and later; protocol §4.3). */
  wafSql: boolean;
  /** `query-moveRows.api` exists (24.1 and later; protocol §4.4); before, it is an unknown action. */
  moveRows: boolean;
}

const ROWS: Generation[] = [
  { version: '22.11', keyFormat: 'prefixed', silentGuest: true, badKeyMessage: MSG_BAD_CREDENTIALS, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: false, keyRoles: false, keyDescription: false, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: false, moveRows: false },
  { version: '23.3', keyFormat: 'hex64', silentGuest: true, badKeyMessage: MSG_BAD_CREDENTIALS, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: false, keyRoles: false, keyDescription: false, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: false, moveRows: false },
  { version: '24.3', keyFormat: 'hex64', silentGuest: true, badKeyMessage: MSG_BAD_CREDENTIALS, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: false, keyRoles: false, keyDescription: true, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: true, moveRows: true },
  { version: '24.11', keyFormat: 'hex64', silentGuest: false, badKeyMessage: MSG_BAD_CREDENTIALS, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: false, keyRoles: false, keyDescription: true, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: true, moveRows: true },
  { version: '25.7', keyFormat: 'hex64', silentGuest: false, badKeyMessage: MSG_BAD_API_KEY, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: false, keyRoles: false, keyDescription: true, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: true, moveRows: true },
  { version: '26.3', keyFormat: 'hex64', silentGuest: false, badKeyMessage: MSG_BAD_API_KEY, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: true, keyRoles: false, keyDescription: true, restrictionRoleColumn: false, revokeEndsSessions: false, wafSql: true, moveRows: true },
  { version: '26.7', keyFormat: 'hex64', silentGuest: false, badKeyMessage: MSG_BAD_API_KEY, badPasswordMessage: MSG_BAD_CREDENTIALS, bearer: true, keyRoles: true, keyDescription: true, restrictionRoleColumn: true, revokeEndsSessions: true, wafSql: true, moveRows: true },
];

/** The generation for a version string; a RangeError naming the choices for any other. */
export function generationFor(version: string | undefined): Generation {
  const v = version ?? NEWEST_LABKEY_VERSION;
  const g = ROWS.find((r) => r.version === v);
  if (!g) throw new RangeError(`labkeyVersion must be one of ${LABKEY_VERSIONS.join(', ')} (22.11 stands for any release before 23.3), got '${v}'`);
  return g;
}

/**
 * The generation of a start-up: `labkeyVersion`, else the old switches as shorthands
 * (`legacyAuth`: 24.3, the last silent-guest release; `bearer`: 26.3), else the newest.
 */
export function generationOf(o: { labkeyVersion?: string | undefined; legacyAuth?: boolean | undefined; bearer?: boolean | undefined }): Generation {
  if (o.labkeyVersion !== undefined) {
    if (o.legacyAuth || o.bearer) throw new RangeError('labkeyVersion replaces legacyAuth and bearer; give only labkeyVersion');
    return generationFor(o.labkeyVersion);
  }
  if (o.legacyAuth && o.bearer) throw new RangeError('legacyAuth (before 24.8) and bearer (26.3 and later) describe different LabKey releases; pick one labkeyVersion');
  if (o.legacyAuth) return generationFor('24.3');
  if (o.bearer) return generationFor('26.3');
  return generationFor(NEWEST_LABKEY_VERSION);
}
