// The pages of the example, as HTML strings with no framework in them: the Hono example serves
// them, and so does the Express app of the end-to-end tests (test/web/express/), so both are
// driven through the very same pages. The 2FA pages are static: a few lines of script call
// factorkit/http's JSON routes under /2fa and show what they answer (the messages come from
// factorkit/messages, in the browser's language). Kept apart from the apps so that their
// 2FA glue can be counted without HTML.

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Calls a JSON route under /2fa and shows a failure's message in #message. */
const CLIENT = `
const say = (text) => { document.querySelector('#message').textContent = text; };
async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const answer = await (await fetch('/2fa' + path, init)).json();
  if (!answer.ok) say(answer.message);
  return answer;
}
const value = (id) => document.getElementById(id).value.trim();
// data-busy while a form's calls run, data-ready once the page has loaded its state: what the tests wait for.
const on = (id, handler) => document.getElementById(id)?.addEventListener('submit', async (event) => {
  event.preventDefault();
  document.body.dataset.busy = '1';
  say('');
  try { await handler(); } finally { delete document.body.dataset.busy; }
});
const show = (id, visible = true) => { document.getElementById(id).hidden = !visible; };
function showCodes(codes) {
  document.querySelector('#backup-codes').replaceChildren(...codes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
  show('codes-shown');
}
`;

function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p id="message" role="alert"></p>
<script type="module">${CLIENT}${script}
document.body.dataset.ready = '1';</script>
</body></html>`;
}

export function loginPage(error?: string): string {
  return page(
    'Sign in',
    `<form method="post" action="/login">
  <label>User name <input name="username" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button>Sign in</button>
</form>
${error === undefined ? '' : `<p id="error">${escapeHtml(error)}</p>`}`,
  );
}

export function secondStepPage(): string {
  return page(
    'Second step',
    `<form id="verify">
  <label>Code from your app, your e-mail or a backup code <input id="code" autocomplete="one-time-code"></label>
  <label><input type="checkbox" id="remember"> Remember this browser</label>
  <button>Verify</button>
</form>
<form id="send-email" hidden><button>E-mail me a code</button></form>`,
    `
const { factors = [] } = await api('/sign-in');
const email = factors.find((factor) => factor.type === 'delivered');
if (email) show('send-email');
on('send-email', async () => { if ((await api('/sign-in/send-code', { factorId: email.factorId })).ok) say('We sent you a code.'); });
on('verify', async () => {
  const verified = await api('/sign-in/verify', { code: value('code'), rememberDevice: document.getElementById('remember').checked });
  if (verified.ok) location.assign('/');
});`,
  );
}

export function accountPage(username: string): string {
  return page(
    'Your account',
    `<p>Signed in as <strong id="whoami">${escapeHtml(username)}</strong>.
  Two-factor authentication: <strong id="status"></strong>; backup codes left: <span id="remaining"></span></p>
<form id="begin"><button>Enable 2FA</button></form>
<div id="setup" hidden>
  <div id="qr"></div>
  <p>Or type this key: <code id="manual-key"></code></p>
  <form id="confirm"><label>Code from the app <input id="confirm-code"></label><button>Turn on</button></form>
</div>
<div id="codes-shown" hidden><h2>Your backup codes</h2><p>Shown this once: keep them safe.</p><ol id="backup-codes"></ol></div>
<form id="add-email">
  <label>E-mail address <input id="email" type="email"></label><button>Add e-mail</button>
</form>
<form id="confirm-email" hidden>
  <label>Code from the e-mail <input id="email-code"></label>
  <label>A current code (when 2FA is on) <input id="email-current"></label><button>Confirm e-mail</button>
</form>
<form id="regenerate"><label>Code to make new backup codes <input id="regenerate-code"></label><button>New backup codes</button></form>
<form id="disable"><label>Code to turn 2FA off <input id="disable-code"></label><button>Turn 2FA off</button></form>
<form method="post" action="/logout"><button>Sign out</button></form>
<p><a href="/users">Users</a></p>`,
    `
async function refresh() {
  const status = await api('/status');
  document.querySelector('#status').textContent = status.enabled ? 'Activated' : 'Not activated';
  document.querySelector('#remaining').textContent = String(status.remainingBackupCodes);
}
await refresh();
let totpId;
let emailId;
on('begin', async () => {
  const begun = await api('/enrollment/begin', { type: 'totp' });
  if (!begun.ok) return;
  totpId = begun.factorId;
  document.querySelector('#qr').innerHTML = begun.qrSvg;
  document.querySelector('#manual-key').textContent = begun.manualKey;
  show('setup');
});
on('confirm', async () => {
  const confirmed = await api('/enrollment/confirm', { factorId: totpId, code: value('confirm-code') });
  if (!confirmed.ok) return;
  show('setup', false);
  showCodes(confirmed.backupCodes);
  await refresh();
});
on('add-email', async () => {
  const begun = await api('/enrollment/begin', { type: 'delivered', channel: 'email', destination: value('email') });
  if (!begun.ok) return;
  emailId = begun.factorId;
  show('confirm-email');
  say('We sent a code to your address.');
});
on('confirm-email', async () => {
  const current = value('email-current');
  const body = { factorId: emailId, code: value('email-code'), ...(current ? { currentCode: current } : {}) };
  const confirmed = await api('/enrollment/confirm', body);
  if (!confirmed.ok) return;
  show('confirm-email', false);
  if (confirmed.backupCodes) showCodes(confirmed.backupCodes);
  say('Your e-mail address can now receive codes.');
  await refresh();
});
on('regenerate', async () => {
  const made = await api('/backup-codes/regenerate', { code: value('regenerate-code') });
  if (made.ok) { showCodes(made.backupCodes); await refresh(); }
});
on('disable', async () => {
  if ((await api('/disable', { code: value('disable-code') })).ok) { say('2FA is off.'); await refresh(); }
});`,
  );
}

export type UserFilter = 'all' | 'activated' | 'not-activated';

export function usersPage(filter: UserFilter, usernames: readonly string[]): string {
  const link = (to: UserFilter, label: string) =>
    `<a href="/users?filter=${to}"${to === filter ? ' aria-current="page"' : ''}>${label}</a>`;
  return page(
    'Users',
    `<nav>${link('all', 'All')} · ${link('activated', 'Activated')} · ${link('not-activated', 'Not activated')}</nav>
<ul id="users">${usernames.map((name) => `<li class="user">${escapeHtml(name)}</li>`).join('')}</ul>`,
  );
}
