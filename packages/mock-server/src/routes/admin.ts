// admin-customizeSite: the Admin Console's Site Settings form (an HTML form, no JSON API).
// Only the API-key settings are modelled: allowApiKeys, apiKeyExpirationSeconds, allowSessionKeys.
import { ActionError, API_USAGE_EXCEPTION } from '../errors.js';
import { escapeHtml } from '../http-util.js';
import type { ActionContext, RouteDef } from '../route.js';

export const EXPIRATION_CHOICES: Array<[number, string]> = [
  [-1, 'Never'],
  [604800, '7 days'],
  [2592000, '30 days'],
  [7776000, '90 days'],
  [15552000, '180 days'],
  [31536000, '365 days'],
];

/** HTML checkbox semantics: present with any value but 'false'/'off'/'0' means checked. */
function checkbox(v: string | undefined): boolean {
  return v !== undefined && !/^(false|off|0)$/i.test(v);
}

function renderForm(ctx: ActionContext, saved: boolean): string {
  const s = ctx.services.state.settings;
  const opts = EXPIRATION_CHOICES.map(([v, label]) => `<option value="${v}"${v === s.apiKeyExpirationSeconds ? ' selected' : ''}>${label}</option>`).join('');
  return `<!DOCTYPE html>
<html><head><title>Site Settings</title></head><body>
<h1>Customize Site</h1>${saved ? '<p class="labkey-message">Settings saved.</p>' : ''}
<form method="post" action="${escapeHtml(ctx.services.contextPath)}/admin-customizeSite.view">
<input type="hidden" name="X-LABKEY-CSRF" value="${escapeHtml(ctx.csrfToken)}">
<h2>Configure API Keys</h2>
<label><input type="checkbox" name="allowApiKeys"${s.allowApiKeys ? ' checked' : ''}> Let users create API keys</label><br>
<label>Expire API keys <select name="apiKeyExpirationSeconds">${opts}</select></label><br>
<label><input type="checkbox" name="allowSessionKeys"${s.allowSessionKeys ? ' checked' : ''}> Let users create session keys</label><br>
<input type="submit" value="Save">
</form></body></html>`;
}

/**
 * GET renders the form; POST (site admins, CSRF form field or header) saves it. As with a real HTML
 * form, an unchecked box is simply absent, so a POST without `allowApiKeys` turns API keys off.
 * Answers 302 back to the form (like the Admin Console), or JSON `{success:true, settings}` when the
 * client asks for JSON (Accept: application/json).
 */
export const customizeSite: RouteDef = {
  name: 'admin-customizeSite',
  postOnly: false,
  csrf: true,
  permission: 'siteAdmin',
  handler(ctx) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD') return { html: renderForm(ctx, ctx.params.get('saved') === '1') };
    const expRaw = ctx.param('apiKeyExpirationSeconds');
    let apiKeyExpirationSeconds: number | undefined;
    if (expRaw !== undefined && expRaw !== '') {
      const n = Number(expRaw);
      if (!Number.isInteger(n) || (n !== -1 && n <= 0)) throw new ActionError(400, `Invalid value for apiKeyExpirationSeconds: ${expRaw}`, API_USAGE_EXCEPTION);
      apiKeyExpirationSeconds = n;
    }
    ctx.services.state.updateSettings({
      allowApiKeys: checkbox(ctx.param('allowApiKeys')),
      allowSessionKeys: checkbox(ctx.param('allowSessionKeys')),
      ...(apiKeyExpirationSeconds !== undefined ? { apiKeyExpirationSeconds } : {}),
    });
    const accept = String(ctx.req.headers.accept ?? '');
    if (accept.includes('application/json')) return { body: { success: true, settings: ctx.services.state.settings } };
    return { redirect: `${ctx.services.contextPath}/admin-customizeSite.view?saved=1` };
  },
};
