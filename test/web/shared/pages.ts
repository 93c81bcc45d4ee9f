// The two pages of the minimal apps in test/web/, the same for every framework: static HTML
// whose script talks to the app's own JSON routes (/register, /login, /logout) and to the second
// step's (/2fa/...), as a single-page app does. What the browser tests look for carries an id;
// a failure shows the message factorkit/http wrote and keeps its reason in data-reason.

const SCRIPT = `
const $ = (id) => document.getElementById(id);
async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  $('error').textContent = response.ok ? '' : answer.message ?? String(response.status);
  $('error').dataset.reason = response.ok ? '' : answer.reason ?? String(response.status);
  return response.ok ? answer : undefined;
}
const field = (id) => $(id).value;
`;

const page = (title: string, body: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p id="error" role="alert"></p>${body}
<script>${SCRIPT}${script}</script></body></html>`;

/** `/`: register or sign in; once signed in, the 2FA status, enable (QR, confirm, backup codes), disable, sign out. */
export const HOME_PAGE = page(
  'Account',
  `
<section id="signed-out" hidden>
  <input id="username" placeholder="Username"> <input id="password" type="password" placeholder="Password">
  <button id="register">Register</button> <button id="sign-in">Sign in</button>
</section>
<section id="signed-in" hidden>
  <p>Signed in as <b id="user"></b>. Two-factor authentication: <b id="two-factor"></b>,
  <span id="remaining"></span> backup codes left.</p>
  <button id="enable">Turn on 2FA</button>
  <div id="enrollment" hidden><div id="qr"></div><p>Key: <code id="manual-key"></code></p>
    <input id="setup-code" placeholder="Code from the app"> <button id="confirm">Confirm</button></div>
  <ol id="backup-codes"></ol>
  <input id="disable-code" placeholder="Code to turn 2FA off"> <button id="disable">Turn off 2FA</button>
  <button id="sign-out">Sign out</button>
</section>`,
  `
let factorId;
async function show() {
  const status = await call('GET', '/2fa/status');
  $('signed-out').hidden = status !== undefined;
  $('signed-in').hidden = status === undefined;
  document.body.dataset.signedIn = String(status !== undefined);
  if (status === undefined) return ($('error').textContent = '');
  const me = await call('GET', '/me');
  $('user').textContent = me.userId;
  $('two-factor').textContent = status.enabled ? 'on' : 'off';
  $('remaining').textContent = String(status.remainingBackupCodes ?? 0);
}
async function signIn(path) {
  const answer = await call('POST', path, { username: field('username'), password: field('password') });
  if (answer?.status === 'second-step') location.assign('/second-step');
  else if (answer !== undefined) await show();
}
$('register').onclick = () => signIn('/register');
$('sign-in').onclick = () => signIn('/login');
$('sign-out').onclick = async () => { await call('POST', '/logout'); await show(); };
$('enable').onclick = async () => {
  const begun = await call('POST', '/2fa/enrollment/begin', { type: 'totp' });
  if (begun === undefined) return;
  factorId = begun.factorId;
  $('qr').innerHTML = begun.qrSvg;
  $('manual-key').textContent = begun.manualKey;
  $('enrollment').hidden = false;
};
$('confirm').onclick = async () => {
  const confirmed = await call('POST', '/2fa/enrollment/confirm', { code: field('setup-code'), factorId });
  if (confirmed === undefined) return;
  $('enrollment').hidden = true;
  $('backup-codes').replaceChildren(...(confirmed.backupCodes ?? []).map((code) => {
    const item = document.createElement('li');
    item.textContent = code;
    return item;
  }));
  await show();
};
$('disable').onclick = async () => {
  if ((await call('POST', '/2fa/disable', { code: field('disable-code') })) !== undefined) await show();
};
show();`,
);

/** `/second-step`: the pending sign-in; a code or a backup code, and "remember this browser". */
export const SECOND_STEP_PAGE = page(
  'Second step',
  `
<p id="pending"></p>
<input id="code" placeholder="Code or backup code" autocomplete="one-time-code">
<label><input id="remember" type="checkbox"> Remember this browser</label>
<button id="verify">Continue</button>`,
  `
call('GET', '/2fa/sign-in').then((pending) => {
  if (pending !== undefined) $('pending').textContent = 'Enter a code from your authenticator app.';
  document.body.dataset.ready = 'yes';
});
$('verify').onclick = async () => {
  const body = { code: field('code'), rememberDevice: $('remember').checked };
  if ((await call('POST', '/2fa/sign-in/verify', body)) !== undefined) location.assign('/');
};`,
);
