// The pages' stylesheet (inline, with the response's CSP nonce). Plain CSS: readable contrast,
// a visible focus ring on everything focusable, no layout that needs JavaScript.
export const PAGE_STYLE = String.raw`
:root { --blue: #1f5f99; --blue-dark: #17476f; --red: #b3261e; --ink: #1d232a; --muted: #5b6570; --line: #d5dbe1; --bg: #f4f6f8; --focus: #f5a623; }
* { box-sizing: border-box; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--blue); }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; background: #eaeef2; padding: 0 0.25em; border-radius: 3px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus { outline: none; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: #fff; padding: 0.5rem 0.75rem; z-index: 10; border-radius: 4px; }
.skip-link:focus { top: 0.5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1.5rem; background: var(--blue); color: #fff; padding: 0.6rem 1.5rem; }
.site-header a, .site-header .link-button { color: #fff; }
.brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; letter-spacing: 0.01em; }
.brand span { font-weight: 400; opacity: 0.85; }
.user-menu { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1.25rem; }
.user-menu ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.user-menu .signed-in { opacity: 0.9; }
.impersonation { background: #fff4d6; border-bottom: 1px solid #e8c766; padding: 0.5rem 1.5rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; font-weight: 600; }
h2 { font-size: 1.2rem; margin: 0 0 0.5rem; font-weight: 600; }
.crumbs ol { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0; font-size: 0.9rem; color: var(--muted); }
.crumbs li + li::before { content: "/"; margin-right: 0.25rem; color: #9aa4ae; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.narrow { max-width: 26rem; margin: 3rem auto; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.cards .card { margin: 0; }
.muted { color: var(--muted); }
.small { font-size: 0.88rem; }
.help { color: var(--muted); font-size: 0.88rem; margin: 0.2rem 0 0; }
.stack > * + * { margin-top: 0.9rem; }
.field label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.check { display: grid; grid-template-columns: auto 1fr; column-gap: 0.5rem; align-items: start; margin: 0.75rem 0; }
.check input { margin-top: 0.3rem; width: 1.05rem; height: 1.05rem; }
.check label { font-weight: 600; }
.check .help { grid-column: 2; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { font-size: 1.2rem; font-weight: 600; padding: 0; margin-bottom: 0.25rem; }
input[type=email], input[type=password], input[type=text], input:not([type]), select { font: inherit; width: 100%; max-width: 32rem; padding: 0.45rem 0.6rem; border: 1px solid #9aa4ae; border-radius: 4px; background: #fff; color: var(--ink); }
select { width: auto; min-width: 12rem; }
button { font: inherit; cursor: pointer; padding: 0.45rem 0.95rem; border-radius: 4px; border: 1px solid #9aa4ae; background: #fff; color: var(--ink); }
button:hover { background: #eef2f5; }
button.primary { background: var(--blue); border-color: var(--blue); color: #fff; }
button.primary:hover { background: var(--blue-dark); }
button.danger { color: var(--red); border-color: #d9a19c; }
button.danger:hover { background: #fbeceb; }
#confirm-dialog button.danger { background: var(--red); border-color: var(--red); color: #fff; }
button:disabled { opacity: 0.6; cursor: progress; }
.link-button { background: none; border: 0; padding: 0; text-decoration: underline; }
.link-button:hover { background: none; }
form.inline { display: inline; margin: 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 1rem; }
.toolbar { display: flex; align-items: center; gap: 0.75rem; margin: 0.5rem 0; }
.alert { border-radius: 4px; padding: 0.6rem 0.85rem; margin: 0 0 1rem; border: 1px solid; }
.alert-info { background: #e8f1fa; border-color: #a9c7e4; }
.alert-error { background: #fbeceb; border-color: #e3a19b; color: #7a1712; }
.alert-warning { background: #fff4d6; border-color: #e8c766; }
.table-wrap { overflow-x: auto; }
table.grid { border-collapse: collapse; width: 100%; background: #fff; margin-top: 0.75rem; }
table.grid caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
table.grid caption .muted { font-weight: 400; }
table.grid th, table.grid td { text-align: left; padding: 0.5rem 0.65rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
table.grid thead th { background: #eef2f5; font-size: 0.88rem; text-transform: uppercase; letter-spacing: 0.03em; color: #3b4550; }
table.grid td.select, table.grid th.select { width: 2.5rem; }
table.grid td.description { overflow-wrap: anywhere; max-width: 28rem; }
table.grid td.actions { text-align: right; }
tr.expired td { color: var(--muted); }
.badge { display: inline-block; font-size: 0.78rem; font-weight: 700; padding: 0.05rem 0.45rem; border-radius: 999px; }
.badge-expired { background: #fbeceb; color: var(--red); border: 1px solid #e3a19b; }
.empty { color: var(--muted); font-style: italic; }
dialog { border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem 1.5rem; width: min(44rem, calc(100vw - 2rem)); box-shadow: 0 10px 40px rgba(0,0,0,0.25); }
dialog::backdrop { background: rgba(20, 30, 40, 0.45); }
.copy-row { display: flex; gap: 0.5rem; }
.copy-row input { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.82rem; max-width: none; flex: 1; }
.copy-status { min-height: 1.5em; color: #1e6b35; font-weight: 600; margin: 0.25rem 0 0; }
`;
