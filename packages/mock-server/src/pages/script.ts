// The pages' only script (inline, with the response's CSP nonce). Plain browser JavaScript, no
// framework. It does four things, each only when the page has the elements for it:
// 1. the Generate API Key / Session Key dialog: POST security-createApiKey.api with the CSRF header,
//    show the key once, Copy (Clipboard API, falling back to select + execCommand('copy')), Done;
// 2. confirmation dialogs for forms marked data-confirm / data-confirm-selected;
// 3. "select all" on the admin grid, with a live count of selected rows;
// 4. focus: the dialog's first field on open, the opener on close, notices after a reload.
// Keys are put only into the read-only field's value and cleared when the dialog closes.
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  function $(id) { return document.getElementById(id); }

  // ---- confirmation dialog (shared) ----------------------------------------------------------
  var confirmDialog = null;
  function confirmBox(message, okLabel, onOk, returnFocus) {
    if (!confirmDialog) {
      confirmDialog = document.createElement('dialog');
      confirmDialog.id = 'confirm-dialog';
      confirmDialog.setAttribute('aria-labelledby', 'confirm-title');
      confirmDialog.setAttribute('aria-describedby', 'confirm-message');
      confirmDialog.innerHTML = '<h2 id="confirm-title">Are you sure?</h2><p id="confirm-message"></p>' +
        '<div class="buttons"><button type="button" class="danger" id="confirm-ok"></button> <button type="button" id="confirm-cancel">Cancel</button></div>';
      document.body.appendChild(confirmDialog);
    }
    $('confirm-message').textContent = message;
    var ok = $('confirm-ok');
    var cancel = $('confirm-cancel');
    ok.textContent = okLabel;
    function close() {
      ok.onclick = null; cancel.onclick = null;
      if (confirmDialog.open) confirmDialog.close();
    }
    ok.onclick = function () { close(); onOk(); };
    cancel.onclick = function () { close(); };
    confirmDialog.onclose = function () { if (returnFocus && document.contains(returnFocus)) returnFocus.focus(); };
    confirmDialog.showModal();
    cancel.focus();
  }

  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var opener = ev.submitter || form.querySelector('button[type="submit"]');
      confirmBox(form.getAttribute('data-confirm'), 'Delete', function () { form.submit(); }, opener);
    });
  });

  // ---- admin grid: select all, count, delete selected ----------------------------------------
  var selectAll = $('select-all');
  var deleteForm = $('delete-keys');
  if (deleteForm) {
    var boxes = function () { return Array.prototype.slice.call(document.querySelectorAll('input[name=".select"][form="delete-keys"]')); };
    var count = $('selection-count');
    var update = function () {
      var all = boxes();
      var n = all.filter(function (b) { return b.checked; }).length;
      if (selectAll) {
        selectAll.checked = n > 0 && n === all.length;
        selectAll.indeterminate = n > 0 && n < all.length;
      }
      if (count) count.textContent = n === 0 ? '' : (n === 1 ? '1 key selected' : n + ' keys selected');
    };
    if (selectAll) selectAll.addEventListener('change', function () {
      boxes().forEach(function (b) { b.checked = selectAll.checked; });
      update();
    });
    boxes().forEach(function (b) { b.addEventListener('change', update); });
    deleteForm.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var n = boxes().filter(function (b) { return b.checked; }).length;
      var opener = ev.submitter || $('delete-selected');
      if (n === 0) {
        if (count) count.textContent = 'Select one or more keys to delete.';
        return;
      }
      var msg = (n === 1 ? 'Delete 1 API key?' : 'Delete ' + n + ' API keys?') + ' Programs that use ' + (n === 1 ? 'it' : 'them') + ' stop working at once.';
      confirmBox(msg, 'Delete', function () { deleteForm.submit(); }, opener);
    });
    update();
  }

  // ---- Generate API Key / Session Key -----------------------------------------------------
  var dialog = $('key-dialog');
  if (dialog) {
    var form = $('key-form');
    var describe = $('key-step-describe');
    var show = $('key-step-show');
    var title = $('key-dialog-title');
    var desc = $('key-description');
    var err = $('key-error');
    var value = $('key-value');
    var status = $('key-copy-status');
    var warning = $('key-warning-text');
    var genButton = $('key-generate');
    var opener = null;
    var type = 'apikey';
    var created = false;

    var reset = function () {
      describe.hidden = false; show.hidden = true; err.hidden = true; err.textContent = '';
      value.value = ''; status.textContent = ''; desc.value = ''; genButton.disabled = false; created = false;
    };
    var failed = function (message) {
      describe.hidden = false;
      err.textContent = message; err.hidden = false;
      genButton.disabled = false;
    };
    var generate = function () {
      genButton.disabled = true;
      var body = { type: type };
      if (type === 'apikey' && desc.value.trim() !== '') body.description = desc.value;
      fetch(dialog.getAttribute('data-create-url'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-LABKEY-CSRF': csrf, 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { ok: r.ok, status: r.status, json: j }; });
      }).then(function (res) {
        if (!res.ok || !res.json || typeof res.json.apikey !== 'string') {
          failed((res.json && res.json.exception) || ('The server answered ' + res.status + '.'));
          return;
        }
        created = type === 'apikey';
        describe.hidden = true; show.hidden = false;
        value.value = res.json.apikey;
        value.focus(); value.select();
      }, function () { failed('Could not reach the server.'); });
    };
    var open = function (ev) {
      opener = ev.currentTarget;
      type = opener.getAttribute('data-key-type') || 'apikey';
      reset();
      title.textContent = type === 'session' ? 'Generate Session Key' : 'Generate API Key';
      warning.textContent = type === 'session'
        ? 'It will not be shown again. It works until you sign out or this session times out.'
        : 'It will not be shown again: the server keeps only a hash of it.';
      dialog.showModal();
      if (type === 'session') { describe.hidden = true; generate(); }
      else desc.focus();
    };
    document.querySelectorAll('button[data-key-type]').forEach(function (b) { b.addEventListener('click', open); });
    form.addEventListener('submit', function (ev) { ev.preventDefault(); if (!describe.hidden) generate(); });
    $('key-cancel').addEventListener('click', function () { dialog.close(); });

    var copied = function () { status.textContent = 'Copied to the clipboard.'; };
    var fallbackCopy = function () {
      value.focus(); value.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      if (ok) copied(); else status.textContent = 'The key is selected: press Ctrl+C (or Cmd+C) to copy it.';
    };
    $('key-copy').addEventListener('click', function () {
      status.textContent = '';
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value.value).then(copied, fallbackCopy);
      } else {
        fallbackCopy();
      }
    });
    $('key-done').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () {
      var reload = created;
      reset();
      if (reload) { window.location.assign(dialog.getAttribute('data-done-url')); return; }
      if (opener && document.contains(opener)) opener.focus();
    });
  }

  // ---- after a reload: move focus to the notice so screen readers announce it ---------------
  var notice = $('generated-notice') || $('deleted-notice') || $('settings-saved');
  if (notice) { notice.setAttribute('tabindex', '-1'); notice.focus(); }
})();
`;
