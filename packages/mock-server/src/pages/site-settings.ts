// Site Settings (admin-customizeSite.view), the API-key part of the Admin Console form. The page
// renders the form; a POST goes to the core's customizeSite action unchanged (same fields, same
// checks, same 302 back with ?saved=1), so the page and the form post cannot drift apart.
import { customizeSite, EXPIRATION_CHOICES } from '../routes/admin.js';
import { csrfField, esc, frame, rootUrl, actionUrl } from './html.js';
import { definePage } from './page-route.js';

export const siteSettingsPage = definePage({
  name: 'admin-customizeSite',
  permission: 'siteAdmin',
  methods: ['GET', 'POST'],
  handler(ctx) {
    if (ctx.method === 'POST') return customizeSite.handler(ctx);
    const s = ctx.services.state.settings;
    const choices = [...EXPIRATION_CHOICES];
    // A value set at startup that is not one of the six choices is kept and shown as it is.
    if (!choices.some(([v]) => v === s.apiKeyExpirationSeconds)) choices.push([s.apiKeyExpirationSeconds, `${s.apiKeyExpirationSeconds} seconds`]);
    const options = choices
      .map(([v, label]) => `<option value="${v}"${v === s.apiKeyExpirationSeconds ? ' selected' : ''}>${esc(label)}</option>`)
      .join('');
    const saved = ctx.params.get('saved') === '1' ? '<div class="alert alert-info" role="status" id="settings-saved">Settings saved.</div>' : '';
    const body = `<h1>Site Settings</h1>
${saved}
<form method="post" action="${esc(rootUrl(ctx, 'admin-customizeSite.view'))}" class="card stack">
${csrfField(ctx)}
<fieldset>
<legend>Configure API Keys</legend>
<div class="check">
<input type="checkbox" id="allowApiKeys" name="allowApiKeys"${s.allowApiKeys ? ' checked' : ''} aria-describedby="allowApiKeys-help">
<label for="allowApiKeys">Let users create API keys</label>
<p class="help" id="allowApiKeys-help">Users generate keys on their External Tool Access page. Turning this off stops new keys; existing keys stay until they expire or are deleted.</p>
</div>
<div class="field">
<label for="apiKeyExpirationSeconds">Expire API keys</label>
<select id="apiKeyExpirationSeconds" name="apiKeyExpirationSeconds" aria-describedby="expiry-help">${options}</select>
<p class="help" id="expiry-help">Applies to keys generated from now on; the expiry of an existing key was fixed when it was created.</p>
</div>
<div class="check">
<input type="checkbox" id="allowSessionKeys" name="allowSessionKeys"${s.allowSessionKeys ? ' checked' : ''} aria-describedby="allowSessionKeys-help">
<label for="allowSessionKeys">Let users create session keys</label>
<p class="help" id="allowSessionKeys-help">A session key is tied to the user's browser session and ends with it.</p>
</div>
</fieldset>
<div class="buttons"><button type="submit" class="primary">Save</button></div>
</form>`;
    return frame(ctx, { title: 'Site Settings', body, crumbs: [['Home', actionUrl(ctx, '/home', 'project-begin.view')], ['Admin Console'], ['Site Settings']] });
  },
});
