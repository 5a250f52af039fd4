// External Tool Access (security-externalToolsView.view): generate an API key (or a session key),
// see it once, copy it, and list or delete your keys. As in the real UI (APIKeysPanel), the key is
// created by `security-createApiKey.api` from the page's script, with the CSRF header; while
// impersonating, generation and the key list are hidden, and the API refuses creation (403).
import type { ActionContext } from '../route.js';
import { actionUrl, esc, expirationText, frame, rootUrl } from './html.js';
import { keyTable } from './key-table.js';
import { definePage } from './page-route.js';

function deletedNotice(ctx: ActionContext): string {
  const n = Number(ctx.params.get('deleted'));
  if (!Number.isInteger(n) || n < 0 || !ctx.params.has('deleted')) return '';
  return `<div class="alert alert-info" role="status" id="deleted-notice">${n === 1 ? 'Deleted 1 API key.' : `Deleted ${n} API keys.`}</div>`;
}

function generateDialog(createUrl: string, doneUrl: string): string {
  return `<dialog id="key-dialog" data-create-url="${esc(createUrl)}" data-done-url="${esc(doneUrl)}" aria-labelledby="key-dialog-title" aria-describedby="key-dialog-intro">
<form id="key-form" novalidate>
<h2 id="key-dialog-title">Generate API Key</h2>
<div id="key-step-describe">
<p id="key-dialog-intro">The key lets a program act as you. Give it a description so you can recognise it later.</p>
<div class="field">
<label for="key-description">Description <span class="muted">(optional)</span></label>
<input id="key-description" name="description" maxlength="256" autocomplete="off" aria-describedby="key-description-help">
<p class="help" id="key-description-help">For example: "lk on my laptop". Up to 256 characters.</p>
</div>
<div class="alert alert-error" role="alert" id="key-error" hidden></div>
<div class="buttons"><button type="submit" class="primary" id="key-generate">Generate API Key</button> <button type="button" id="key-cancel">Cancel</button></div>
</div>
<div id="key-step-show" hidden>
<div class="alert alert-warning" id="key-warning"><strong>Copy this key now.</strong> <span id="key-warning-text">It will not be shown again: the server keeps only a hash of it.</span></div>
<div class="field">
<label for="key-value">Your new key</label>
<div class="copy-row"><input id="key-value" readonly spellcheck="false" autocomplete="off" aria-describedby="key-warning"> <button type="button" id="key-copy">Copy</button></div>
</div>
<p id="key-copy-status" class="copy-status" role="status" aria-live="polite"></p>
<div class="buttons"><button type="button" class="primary" id="key-done">Done</button></div>
</div>
</form>
</dialog>`;
}

export const externalToolsPage = definePage({
  name: 'security-externalToolsView',
  permission: 'login',
  handler(ctx) {
    const p = ctx.principal;
    const user = p.user!;
    const state = ctx.services.state;
    const settings = state.settings;
    const now = ctx.services.clock.now();
    const self = rootUrl(ctx, 'security-externalToolsView.view');
    const parts: string[] = ['<h1>External Tool Access</h1>', deletedNotice(ctx)];
    if (ctx.params.get('generated') === '1') parts.push('<div class="alert alert-info" role="status" id="generated-notice">Your new API key is in the list below.</div>');

    parts.push(`<section aria-labelledby="api-keys-title" class="card">
<h2 id="api-keys-title">API Keys</h2>
<p>API keys let programs such as <code>lk</code>, the LabKey client libraries and scripts reach this server as you, without your password. Treat a key like a password.</p>`);
    if (p.impersonated) {
      parts.push(
        `<p class="alert alert-info" id="impersonating-notice">API keys can't be generated or listed while impersonating. Stop impersonating to manage your own keys.</p></section>`,
      );
    } else {
      if (!settings.allowApiKeys) {
        const admin = user.siteAdmin ? ` <a href="${esc(rootUrl(ctx, 'admin-customizeSite.view'))}">Turn them on in Site Settings</a>.` : ' A site administrator can turn them on in Site Settings.';
        parts.push(`<p class="alert alert-info" id="keys-disabled">API keys are disabled on this server: new keys can't be generated.${admin}</p>`);
      } else {
        parts.push(`<p id="expiry-policy">New API keys ${esc(expirationText(settings.apiKeyExpirationSeconds))}.</p>
<div class="buttons"><button type="button" class="primary" id="generate-api-key" data-key-type="apikey">Generate API Key</button></div>`);
      }
      parts.push(
        keyTable(ctx, {
          rows: state.listApiKeys(user.email),
          now,
          caption: 'Your API keys',
          returnUrl: self,
          mode: 'own',
          empty: 'You have no API keys.',
        }),
      );
      parts.push('</section>');
      if (settings.allowSessionKeys) {
        parts.push(`<section aria-labelledby="session-keys-title" class="card">
<h2 id="session-keys-title">Session Keys</h2>
<p>A session key works like an API key but is tied to this browser session: it stops working when you sign out or the session times out. It is never stored on the server.</p>
<div class="buttons"><button type="button" id="generate-session-key" data-key-type="session">Generate Session Key</button></div>
</section>`);
      }
    }
    const canGenerate = !p.impersonated && (settings.allowApiKeys || settings.allowSessionKeys);
    const body = parts.join('\n') + (canGenerate ? generateDialog(rootUrl(ctx, 'security-createApiKey.api'), rootUrl(ctx, 'security-externalToolsView.view', { generated: '1' })) : '');
    return frame(ctx, { title: 'External Tool Access', body, crumbs: [['Home', actionUrl(ctx, '/home', 'project-begin.view')], ['External Tool Access']] });
  },
});
