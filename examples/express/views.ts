// Every page of the example as a plain function returning escaped HTML (see html.ts).
import type { FactorSummary, RememberedDeviceSummary, ThrottleStatus, TwoFactorStatus } from 'factorkit';
import type { AuditEntry } from './audit.js';
import { html, trusted, type SafeHtml } from './html.js';

export interface PageContext {
  csrfToken: string;
  /** Per-response CSP nonce for the one inline script and the stylesheet. */
  nonce: string;
  username?: string;
  /** Whether the signed-in user may see the admin pages (only then are they linked). */
  isAdmin?: boolean;
  flash?: string;
}

export type Notice = { kind: 'error' | 'info'; text: string };

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
header { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid #ddd; margin-bottom: 1rem; }
header nav { margin-left: auto; display: flex; gap: .75rem; align-items: baseline; }
form.inline { display: inline; }
label { display: block; margin: .75rem 0 .25rem; }
input[type=text], input[type=password] { font: inherit; padding: .35rem .5rem; width: 16rem; }
button { font: inherit; padding: .35rem .9rem; margin-top: .75rem; cursor: pointer; }
.notice { padding: .5rem .75rem; border-radius: 4px; }
.error { background: #fde8e8; border: 1px solid #e0a0a0; }
.info { background: #e8f1fd; border: 1px solid #a0bfe0; }
#qr svg { width: 220px; height: 220px; }
code, .codes { font-family: ui-monospace, monospace; }
.codes { font-size: 1.15rem; }
table { border-collapse: collapse; } td, th { padding: .25rem .75rem; border-bottom: 1px solid #eee; text-align: left; }
h2 { font-size: 1.15rem; margin-top: 1.5rem; }
`;

function layout(ctx: PageContext, title: string, body: SafeHtml, notice?: Notice): string {
  const flash = ctx.flash ? { kind: 'info' as const, text: ctx.flash } : undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · factorkit example</title>
<style nonce="${ctx.nonce}">${trusted(STYLE)}</style>
</head>
<body>
<header>
  <strong>factorkit example</strong>
  <nav>${
    ctx.username
      ? html`<a href="/profile">Profile</a> ${ctx.isAdmin ? html`<a href="/users">All users</a> ` : ''}
    <span>Signed in as <b id="whoami">${ctx.username}</b></span>
    <form class="inline" method="post" action="/logout">${csrf(ctx)}<button type="submit">Log out</button></form>`
      : html`<a href="/login">Log in</a> <a href="/signup">Sign up</a>`
  }</nav>
</header>
<main>
<h1>${title}</h1>
${[flash, notice].map((n) => (n ? html`<p class="notice ${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}">${n.text}</p>` : ''))}
${body}
</main>
</body>
</html>`.value;
}

function csrf(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;
}

function codeField(label: string, numericOnly: boolean, name = 'code'): SafeHtml {
  // The first code field of a page takes the focus; a second one (addAuthenticatorPage) does not.
  return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="text" autocomplete="one-time-code" ${name === 'code' ? trusted('autofocus') : ''} required maxlength="32"
  inputmode="${numericOnly ? 'numeric' : 'text'}" spellcheck="false">`;
}

export function signupPage(ctx: PageContext, notice?: Notice, username = ''): string {
  return layout(
    ctx,
    'Sign up',
    html`<form method="post" action="/signup">${csrf(ctx)}
<label for="username">User name (3 to 32 letters, digits, . _ -)</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${username}">
<label for="password">Password (at least 10 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<div><button type="submit">Sign up</button></div>
</form>
<p>Already have an account? <a href="/login">Log in</a>.</p>`,
    notice,
  );
}

export function loginPage(ctx: PageContext, notice?: Notice, username = ''): string {
  return layout(
    ctx,
    'Log in',
    html`<form method="post" action="/login">${csrf(ctx)}
<label for="username">User name</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${username}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div><button type="submit">Log in</button></div>
</form>
<p>No account yet? <a href="/signup">Sign up</a>.</p>`,
    notice,
  );
}

export function secondFactorPage(ctx: PageContext, username: string, notice?: Notice): string {
  return layout(
    ctx,
    'Two-factor authentication',
    html`<p>Password accepted for <b>${username}</b>. One more step: enter the six-digit code from your
authenticator app, or one of your backup codes if you do not have your phone.</p>
<form method="post" action="/login/2fa">${csrf(ctx)}
${codeField('Code or backup code', false)}
<label><input type="checkbox" name="remember" value="yes"> Remember this browser for 30 days</label>
<div><button type="submit">Verify</button></div>
</form>
<form method="post" action="/login/cancel">${csrf(ctx)}<button type="submit">Cancel</button></form>`,
    notice,
  );
}

export interface ProfileView {
  username: string;
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  /** The active authenticator apps. */
  authenticators: FactorSummary[];
  createdAt: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function authenticatorRows(authenticators: FactorSummary[], removable: boolean): SafeHtml {
  return html`<table id="authenticators">
<thead><tr><th>Authenticator app</th><th>Added</th><th>Last used</th>${removable ? html`<th></th>` : ''}</tr></thead>
<tbody>${authenticators.map(
    (factor) =>
      html`<tr><td class="name">${factor.name}</td><td>${day(factor.createdAt)}</td><td>${
        factor.lastUsedAt === null ? 'never' : day(factor.lastUsedAt)
      }</td>${
        removable
          ? html`<td><a href="/2fa/factors/${encodeURIComponent(factor.factorId)}/remove" aria-label="Remove ${factor.name}">Remove</a></td>`
          : ''
      }</tr>`,
  )}</tbody>
</table>`;
}

export function profilePage(ctx: PageContext, view: ProfileView, notice?: Notice): string {
  const activated = view.status === 'activated';
  return layout(
    ctx,
    'Profile',
    html`<p>User name: <b>${view.username}</b></p>
<p>Two-factor authentication: <b id="two-factor-status">${activated ? 'Activated' : 'Not activated'}</b></p>
${
  activated
    ? html`<p>Backup codes left: <b id="backup-codes-left">${view.remainingBackupCodes}</b></p>
${authenticatorRows(view.authenticators, true)}
<ul>
  <li><a href="/security">Security</a>: rename your authenticator apps, forget remembered browsers</li>
  <li><a href="/2fa/add">Add an authenticator app</a> (a new phone: add it, then remove the old one)</li>
  <li><a href="/2fa/backup-codes">Generate backup codes</a> (replaces all your current backup codes)</li>
  <li><a href="/2fa/disable">Disable 2FA</a></li>
</ul>`
    : html`<p>Protect your account with a code from an authenticator app.</p>
<p><a href="/2fa/enable">Enable 2FA</a></p>`
}`,
    notice,
  );
}

export interface SecurityView {
  status: TwoFactorStatus;
  /** The active authenticator apps. */
  authenticators: FactorSummary[];
  devices: RememberedDeviceSummary[];
}

export function securityPage(ctx: PageContext, view: SecurityView, notice?: Notice): string {
  return layout(
    ctx,
    'Security',
    html`<h2>Authenticator apps</h2>
${
  view.authenticators.length === 0
    ? html`<p>No authenticator app: <a href="/2fa/enable">enable 2FA</a>.</p>`
    : html`<table id="security-authenticators">
<thead><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr></thead>
<tbody>${view.authenticators.map((factor) => {
        const path = `/2fa/factors/${encodeURIComponent(factor.factorId)}`;
        return html`<tr><td class="name">${factor.name}</td><td>${day(factor.createdAt)}</td><td>${
          factor.lastUsedAt === null ? 'never' : day(factor.lastUsedAt)
        }</td><td><form class="inline" method="post" action="${path}/rename">${csrf(ctx)}
<input type="text" name="name" required maxlength="64" value="${factor.name}" aria-label="New name for ${factor.name}">
<button type="submit" aria-label="Rename ${factor.name}">Rename</button></form>
<a href="${path}/remove" aria-label="Remove ${factor.name}">Remove</a></td></tr>`;
      })}</tbody>
</table>
<p><a href="/2fa/add">Add an authenticator app</a></p>`
}
<h2>Remembered browsers</h2>
<p>These browsers sign in with your password alone until the date shown. Adding or removing an
authenticator app, or turning 2FA off, forgets all of them.</p>
${
  view.devices.length === 0
    ? html`<p id="no-devices">No remembered browsers.</p>`
    : html`<table id="devices">
<thead><tr><th>Browser</th><th>Remembered on</th><th>Until</th><th></th></tr></thead>
<tbody>${view.devices.map(
        (device) =>
          html`<tr><td class="label">${device.label ?? 'A browser'}</td><td>${day(device.createdAt)}</td><td>${day(device.expiresAt)}</td><td><form class="inline" method="post" action="/security/devices/${encodeURIComponent(device.deviceId)}/forget">${csrf(ctx)}<button type="submit">Forget</button></form></td></tr>`,
      )}</tbody>
</table>`
}
<p><a href="/profile">Back to my profile</a></p>`,
    notice,
  );
}

export interface EnrollmentView {
  qrSvg: string;
  manualKey: string;
  issuer: string;
  username: string;
}

export function enablePage(ctx: PageContext, enrollment: EnrollmentView | undefined, notice?: Notice): string {
  return layout(
    ctx,
    'Enable 2FA',
    html`${
      enrollment
        ? html`<p>1. Scan this QR code with an authenticator app (Google Authenticator, Aegis, 1Password, ...):</p>
<figure id="qr" aria-label="QR code for your authenticator app">${trusted(enrollment.qrSvg)}</figure>
<p>Cannot scan? Type this key instead (account <b>${enrollment.issuer}: ${enrollment.username}</b>, time-based):</p>
<p><code id="manual-key">${enrollment.manualKey}</code></p>`
        : html`<p>Enter the newest code shown by the authenticator app you just set up, or
<a href="/2fa/enable">start again with a new QR code</a>.</p>`
    }
<form method="post" action="/2fa/enable">${csrf(ctx)}
${codeField('2. Enter the six-digit code the app shows', true)}
<div><button type="submit">Check</button></div>
</form>`,
    notice,
  );
}

export function addAuthenticatorPage(
  ctx: PageContext,
  enrollment: EnrollmentView | undefined,
  notice?: Notice,
): string {
  return layout(
    ctx,
    'Add an authenticator app',
    html`${
      enrollment
        ? html`<p>1. Scan this QR code with the authenticator app on your new phone. Your current apps keep
working, now and afterwards, until you remove them on your profile.</p>
<figure id="qr" aria-label="QR code for your new authenticator app">${trusted(enrollment.qrSvg)}</figure>
<p>Cannot scan? Type this key instead (account <b>${enrollment.issuer}: ${enrollment.username}</b>, time-based):</p>
<p><code id="manual-key">${enrollment.manualKey}</code></p>`
        : html`<p>Enter the newest code of each app, or <a href="/2fa/add">start again with a new QR code</a>.</p>`
    }
<form method="post" action="/2fa/add">${csrf(ctx)}
${codeField('2. The six-digit code the new app shows', true)}
${codeField('3. A code from your current app or a backup code', false, 'currentCode')}
<div><button type="submit">Add this app</button></div>
</form>
<p>Lost your current phone and your backup codes? Contact support: they can reset your 2FA after
checking who you are.</p>
<p><a href="/profile">Back to my profile</a></p>`,
    notice,
  );
}

export function backupCodesPage(ctx: PageContext, username: string, codes: string[], heading: string): string {
  const text = [
    `factorkit example: backup codes for ${username}`,
    `Generated ${new Date().toISOString()}. Each code works once.`,
    '',
    ...codes,
    '',
  ].join('\n');
  return layout(
    ctx,
    heading,
    html`<p><b>Save these backup codes now: they are shown only once.</b> Each one lets you log in once
if you lose your phone. Generating new codes makes these stop working.</p>
<ol id="backup-codes" class="codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<p>
  <button type="button" id="copy-codes">Copy</button>
  <a id="download-codes" download="backup-codes.txt" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">Download as a text file</a>
  <span id="copy-status" role="status"></span>
</p>
<p><a href="/profile">I have saved my codes: back to my profile</a></p>
<script nonce="${ctx.nonce}">
document.getElementById('copy-codes').addEventListener('click', async () => {
  const codes = [...document.querySelectorAll('#backup-codes code')].map((node) => node.textContent).join('\\n');
  const status = document.getElementById('copy-status');
  try { await navigator.clipboard.writeText(codes + '\\n'); status.textContent = 'Copied.'; }
  catch { status.textContent = 'Copy failed: select the codes and copy them by hand.'; }
});
</script>`,
  );
}

export function codeConfirmPage(
  ctx: PageContext,
  options: { title: string; action: string; intro: string; button: string },
  notice?: Notice,
): string {
  return layout(
    ctx,
    options.title,
    html`<p>${options.intro}</p>
<form method="post" action="${options.action}">${csrf(ctx)}
${codeField('Code from your authenticator app or a backup code', false)}
<div><button type="submit">${options.button}</button></div>
</form>
<p><a href="/profile">Back to my profile</a></p>`,
    notice,
  );
}

export type UserFilter = 'all' | 'activated' | 'not-activated';

export interface UserRowView {
  username: string;
  activated: boolean;
  setupStarted: boolean;
  createdAt: number;
}

export function usersPage(ctx: PageContext, filter: UserFilter, rows: UserRowView[]): string {
  const filters: Array<[UserFilter, string]> = [
    ['all', 'All'],
    ['activated', 'Activated'],
    ['not-activated', 'Not activated'],
  ];
  return layout(
    ctx,
    'All users',
    html`<p>Administrators only (<code>ADMIN_USERS</code>). Open a user for support: unlock, reset 2FA, audit log.</p>
<nav aria-label="Filter by 2FA status">Show: ${filters.map(([value, label]) =>
      value === filter
        ? html`<b aria-current="page">${label}</b> `
        : html`<a href="/users${value === 'all' ? '' : `?status=${value}`}">${label}</a> `,
    )}</nav>
<table id="users">
<thead><tr><th>User</th><th>2FA</th><th>Signed up</th></tr></thead>
<tbody>${rows.map(
      (row) =>
        html`<tr><td class="username"><a href="/support/${encodeURIComponent(row.username)}">${row.username}</a></td><td class="status">${
          row.activated ? 'Activated' : row.setupStarted ? 'Not activated (setup started)' : 'Not activated'
        }</td><td>${new Date(row.createdAt).toISOString().slice(0, 10)}</td></tr>`,
    )}</tbody>
</table>
<p id="user-count">${rows.length} ${rows.length === 1 ? 'user' : 'users'}</p>`,
  );
}

export interface SupportView {
  username: string;
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  throttle: ThrottleStatus;
  /** The active authenticator apps. */
  authenticators: FactorSummary[];
  /** Newest first. */
  audit: AuditEntry[];
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export function supportPage(ctx: PageContext, view: SupportView, notice?: Notice): string {
  const path = `/support/${encodeURIComponent(view.username)}`;
  const { failures, retryAfterMs, hardLocked } = view.throttle;
  const lock = hardLocked
    ? 'Locked: every code is refused until you unlock it'
    : retryAfterMs > 0
      ? `Paused for ${Math.ceil(retryAfterMs / 1000)} more seconds after wrong codes`
      : 'Not locked';
  const twoFactorText =
    view.status === 'activated'
      ? 'Activated'
      : view.status === 'pending'
        ? 'Not activated (setup started)'
        : 'Not activated';
  return layout(
    ctx,
    `Support: ${view.username}`,
    html`<p>Before changing anything, check that you are talking to <b>${view.username}</b> through a
channel an attacker does not control: call back a number on file, check an ID document. Whoever
calls about a lost phone may be the thief.</p>
<table id="support-status">
<tr><th>2FA</th><td id="support-2fa">${twoFactorText}</td></tr>
<tr><th>Backup codes left</th><td id="support-backup-codes">${view.remainingBackupCodes}</td></tr>
<tr><th>Wrong codes in a row</th><td id="support-failures">${failures}</td></tr>
<tr><th>Sign-in</th><td id="support-lock">${lock}</td></tr>
</table>
${view.authenticators.length > 0 ? authenticatorRows(view.authenticators, false) : ''}
<h2>Unlock</h2>
${
  failures > 0 || hardLocked || retryAfterMs > 0
    ? html`<p>Clears the wrong codes and any lock. The user keeps their authenticator app and backup codes.</p>
<form method="post" action="${path}/unlock">${csrf(ctx)}<button type="submit">Unlock</button></form>`
    : html`<p>Nothing to unlock.</p>`
}
<h2>Reset 2FA</h2>
${
  view.status === 'not-activated'
    ? html`<p>2FA is off for this user: nothing to reset.</p>`
    : html`<p>For a user who lost their phone and their backup codes: removes the authenticator app, the
backup codes and any lock, and ends their sessions. They sign in with their password and set up 2FA again.</p>
<form method="post" action="${path}/reset">${csrf(ctx)}
<label><input type="checkbox" name="identityChecked" value="yes" required> I have verified this person's identity out of band</label>
<div><button type="submit">Reset 2FA</button></div>
</form>`
}
<h2>Audit log</h2>
${
  view.audit.length === 0
    ? html`<p id="audit-empty">No 2FA events for this user since the app started.</p>`
    : html`<table id="audit">
<thead><tr><th>When</th><th>Event</th><th>What happened</th></tr></thead>
<tbody>${view.audit.map(
        (entry) =>
          html`<tr><td>${utc(entry.at)}</td><td class="event">${entry.type}</td><td class="detail">${entry.detail}</td></tr>`,
      )}</tbody>
</table>`
}
<p>The log is kept in memory (the last 200 events per user, lost on restart) and never holds a code.</p>
<p><a href="/users">All users</a></p>`,
    notice,
  );
}

export function errorPage(ctx: PageContext, title: string, message: string): string {
  return layout(ctx, title, html`<p>${message}</p><p><a href="/">Home</a></p>`);
}
