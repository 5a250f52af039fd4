// The mock server's web pages. The router sends `.view` and `.post` URLs of these actions here
// (MockLabKey.registerPage); `.api` URLs of the same names still reach the JSON actions.
//
//   {ctx}/login-login.view                       Sign in (form post with CSRF; returnUrl)
//   {ctx}/login-logout.view|.post                Sign out (POST ends the session)
//   {ctx}/login-stopImpersonating.post           Stop impersonating (POST)
//   {ctx}/home/project-begin.view                Start page after sign-in
//   {ctx}/security-externalToolsView.view        External Tool Access: generate, copy, list, delete keys
//   {ctx}/admin-customizeSite.view               Site Settings (site admins): the API-key settings
//   {ctx}/query-executeQuery.view?schemaName=core&query.queryName=APIKeys
//                                                API Keys (site admins): every user's keys, delete
//   {ctx}/query-deleteQueryRows.post             The grids' delete post (.select = row ids)
import type { RouteDef } from '../route.js';
import { deleteQueryRowsPage, executeQueryPage } from './api-keys-admin.js';
import { externalToolsPage } from './external-tools.js';
import { beginPage, loginPage, logoutPage, stopImpersonatingPage } from './login.js';
import { siteSettingsPage } from './site-settings.js';

export const pageRoutes: RouteDef[] = [
  loginPage,
  logoutPage,
  stopImpersonatingPage,
  beginPage,
  externalToolsPage,
  siteSettingsPage,
  executeQueryPage,
  deleteQueryRowsPage,
];
