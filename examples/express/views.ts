// Every page of the example as a plain function returning escaped HTML (see html.ts).
import type { FactorSummary, RememberedDeviceSummary, ThrottleStatus, TwoFactorStatus } from 'factorkit';
import { formatWait } from 'factorkit/messages';
import type { AuditEntry } from './audit.js';
import { html, trusted, type SafeHtml } from './html.js';
import { LANGUAGES, type Language } from './i18n.js';
import type { ReceivedMail } from './mail.js';
import type { PhoneEntry } from './outbox.js';

export interface PageContext {
  csrfToken: string;
  /** The language of factorkit's messages, picked with the header's switch. */
  lang: Language;
  /** This page's path, where the language switch comes back to. */
  path: string;
  /** Password accepted, second step owed: the header offers neither "Log in" nor "Sign up". */
  pending?: boolean;
  /** Per-response CSP nonce for the one inline script and the stylesheet. */
  nonce: string;
  username?: string;
  /** Whether the signed-in user may see the admin pages (only then are they linked). */
  isAdmin?: boolean;
  flash?: string | Notice;
  /** The demo's outbox page is mounted (npm start): linked from every page. */
  demoOutbox?: boolean;
  /** Security keys and passkeys (webauthn-views.ts): shown after the page's own content. */
  webauthn?: SafeHtml;
}

/** A message on a page; `lang` when it is in another language than the page (factorkit/messages). */
export type Notice = { kind: 'error' | 'info'; text: string; lang?: Language; extra?: Notice };

// Narrow screens (375 px) never scroll sideways: everything wraps, long words break, and a wide
// table scrolls inside itself instead of widening the page.
const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
main { overflow-wrap: anywhere; }
header { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; border-bottom: 1px solid #ddd; margin-bottom: 1rem; }
header nav { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
header nav > * { white-space: nowrap; }
#account { margin-left: auto; }
#languages { flex-basis: 100%; justify-content: flex-end; font-size: .875rem; }
form.inline { display: inline; }
label { display: block; margin: .75rem 0 .25rem; }
input[type=text], input[type=password], input[type=email], input[type=tel] { font: inherit; padding: .35rem .5rem; width: 16rem; max-width: 100%; box-sizing: border-box; }
button { font: inherit; padding: .35rem .9rem; margin-top: .75rem; cursor: pointer; max-width: 100%; }
header button { margin-top: 0; }
.notice { padding: .5rem .75rem; border-radius: 4px; }
.error { background: #fde8e8; border: 1px solid #e0a0a0; }
.info { background: #e8f1fd; border: 1px solid #a0bfe0; }
#qr svg { width: 220px; height: 220px; max-width: 100%; }
code, .codes, pre { font-family: ui-monospace, monospace; }
pre { white-space: pre-wrap; }
/* A plain list: numbers in front of the codes would read as part of them. */
.codes { font-size: 1.15rem; list-style: none; padding-left: 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
td, th { padding: .25rem .75rem; border-bottom: 1px solid #eee; text-align: left; overflow-wrap: normal; }
h2 { font-size: 1.15rem; margin-top: 1.5rem; }
`;

export function layout(
  ctx: PageContext,
  title: string,
  body: SafeHtml,
  notice?: Notice,
  /** Reload the page every this many seconds (the page waiting for a Telegram approval). */
  refreshSeconds?: number,
): string {
  const flash = typeof ctx.flash === 'string' ? { kind: 'info' as const, text: ctx.flash } : ctx.flash;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · factorkit example</title>
<style nonce="${ctx.nonce}">${trusted(STYLE)}</style>
</head>
<body>
<header>
  <strong>factorkit example</strong>
  <nav id="account" aria-label="Account">${account(ctx)}${ctx.demoOutbox ? html` <a href="/dev/outbox" id="outbox-link">Outbox (demo)</a>` : ''}</nav>
  <nav id="languages" aria-label="Language of messages">${LANGUAGES.map(([code, name]) =>
    code === ctx.lang
      ? html`<b lang="${code}" aria-current="true">${name}</b>`
      : html`<a lang="${code}" hreflang="${code}" href="/lang/${code}?back=${encodeURIComponent(ctx.path)}">${name}</a>`,
  )}</nav>
</header>
<main>
<h1>${title}</h1>
${[flash, notice].map((n) => (n ? noticeHtml(n) : ''))}
${body}
${ctx.webauthn ?? ''}
</main>
</body>
</html>`.value;
}

/** The header's links: who is signed in, or the way in; nothing of either during the second step. */
function account(ctx: PageContext): SafeHtml {
  if (ctx.username) {
    return html`<a href="/profile">Profile</a> ${ctx.isAdmin ? html`<a href="/users">All users</a> ` : ''}
    <span>Signed in as <b id="whoami">${ctx.username}</b></span>
    <form class="inline" method="post" action="/logout">${csrf(ctx)}<button type="submit">Log out</button></form>`;
  }
  return ctx.pending
    ? html`<span id="signing-in">Signing in</span>`
    : html`<a href="/login">Log in</a> <a href="/signup">Sign up</a>`;
}

/** An error is an alert (read out at once), anything else a polite status. */
function noticeHtml(notice: Notice): SafeHtml {
  return html`<p class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}" aria-live="${
    notice.kind === 'error' ? 'assertive' : 'polite'
  }"${notice.lang ? html` lang="${notice.lang}"` : ''}>${notice.text}${
    notice.extra
      ? html` <span${notice.extra.lang ? html` lang="${notice.extra.lang}"` : ''}>${notice.extra.text}</span>`
      : ''
  }</p>`;
}

export function csrf(ctx: PageContext): SafeHtml {
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
<input id="username" name="username" type="text" autocomplete="username" required value="${username}" autofocus>
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
<input id="username" name="username" type="text" autocomplete="username" required value="${username}"${username ? '' : trusted(' autofocus')}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? trusted(' autofocus') : ''}>
<div><button type="submit">Log in</button></div>
</form>
<p>No account yet? <a href="/signup">Sign up</a>.</p>`,
    notice,
  );
}

export function secondFactorPage(
  ctx: PageContext,
  username: string,
  notice?: Notice,
  methods: SignInMethod[] = [],
): string {
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
${signInMethods(ctx, methods)}
<form method="post" action="/login/cancel">${csrf(ctx)}<button type="submit">Cancel</button></form>`,
    notice,
  );
}

export interface ProfileView {
  username: string;
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  /** The active factors: authenticator apps and delivered-code factors. */
  authenticators: FactorSummary[];
  createdAt: number;
  /** The app has a sender (`deliver`): e-mail, Telegram, SMS and voice can be added. */
  deliveryAvailable: boolean;
  /** Voice calls are a fallback only: offered once another active factor is not a voice one. */
  voiceAllowed: boolean;
}

function deliveredLinks(view: ProfileView): SafeHtml {
  if (!view.deliveryAvailable) return html``;
  return html`<li><a href="/2fa/delivered/add?channel=email">Add an e-mail address</a> (codes by e-mail)</li>
  <li><a href="/2fa/delivered/add?channel=telegram">Add Telegram</a> (codes, and approving sign-ins with a button)</li>
  <li><a href="/2fa/delivered/add?channel=sms">Add a mobile number</a> (codes by text message)</li>
  <li>${
    view.voiceAllowed
      ? html`<a href="/2fa/delivered/add?channel=voice">Add a phone for voice calls</a> (a fallback: the code is the calling number)`
      : html`Voice calls: a fallback only, offered once you have another way to sign in besides them`
  }</li>`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type Channel = 'email' | 'sms' | 'telegram' | 'voice';

const CHANNEL_NAMES: Record<Channel, string> = {
  email: 'E-mail',
  sms: 'Text message (SMS)',
  telegram: 'Telegram',
  voice: 'Voice call',
};

/** "Authenticator app", "E-mail", "Telegram", "Security key"...: what kind of factor a row is. */
export function factorKind(factor: FactorSummary): string {
  if (factor.type === 'webauthn') return factor.kind === 'passkey' ? 'Passkey' : 'Security key';
  return factor.type === 'totp' ? 'Authenticator app' : channelName(factor.channel);
}

function authenticatorRows(authenticators: FactorSummary[], removable: boolean): SafeHtml {
  return html`<table id="authenticators">
<thead><tr><th>Name</th><th>Kind</th><th>Sends to</th><th>Added</th><th>Last used</th>${removable ? html`<th></th>` : ''}</tr></thead>
<tbody>${authenticators.map(
    (factor) =>
      html`<tr><td class="name">${factor.name}</td><td class="kind">${factorKind(factor)}</td><td class="destination">${
        factor.maskedDestination ?? ''
      }</td><td>${day(factor.createdAt)}</td><td>${factor.lastUsedAt === null ? 'never' : day(factor.lastUsedAt)}</td>${
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
  <li><a href="/security">Security</a>: rename your sign-in methods, forget remembered browsers</li>
  <li><a href="/2fa/add">Add an authenticator app</a> (a new phone: add it, then remove the old one)</li>
  ${deliveredLinks(view)}
  <li><a href="/2fa/backup-codes">Generate backup codes</a> (replaces all your current backup codes)</li>
  <li><a href="/2fa/disable">Disable 2FA</a></li>
</ul>`
    : html`<p>Protect your account with a code from an authenticator app.</p>
<p><a href="/2fa/enable">Enable 2FA</a></p>${
        view.deliveryAvailable
          ? html`<p>Or start with a code sent to you (weaker than an app: messages can be intercepted or redirected):</p>
<ul>${deliveredLinks(view)}</ul>`
          : ''
      }`
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
    html`<h2>Sign-in methods</h2>
${
  view.authenticators.length === 0
    ? html`<p>No sign-in method: <a href="/2fa/enable">enable 2FA</a>.</p>`
    : html`<table id="security-authenticators">
<thead><tr><th>Name</th><th>Kind</th><th>Added</th><th>Last used</th><th></th></tr></thead>
<tbody>${view.authenticators.map((factor) => {
        const path = `/2fa/factors/${encodeURIComponent(factor.factorId)}`;
        return html`<tr><td class="name">${factor.name}</td><td class="kind">${factorKind(factor)}</td><td>${day(factor.createdAt)}</td><td>${
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
<p>These browsers sign in with your password alone until the date shown. Adding or removing a
sign-in method, or turning 2FA off, forgets all of them.</p>
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
<ul id="backup-codes" class="codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p>Type a code as it is printed here; case, dashes and spaces do not matter.</p>
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
  /** The user's delivered factors: "Send me a code" buttons, for an account without an app at hand. */
  sendTo: SignInMethod[] = [],
): string {
  return layout(
    ctx,
    options.title,
    html`<p>${options.intro}</p>
<form method="post" action="${options.action}">${csrf(ctx)}
${codeField('A code from one of your sign-in methods, or a backup code', false)}
<div><button type="submit">${options.button}</button></div>
</form>
${
  sendTo.length > 0
    ? html`<p>Or use a code we send you:</p>
<ul id="send-code">${sendTo.map(
        (method) => html`<li><form method="post" action="/2fa/send-code">${csrf(ctx)}
<input type="hidden" name="factorId" value="${method.factorId}"><input type="hidden" name="back" value="${options.action}">
<button type="submit">Send a code to ${method.maskedDestination}</button></form></li>`,
      )}</ul>`
    : ''
}
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

export function usersPage(ctx: PageContext, filter: UserFilter, rows: UserRowView[], notice?: Notice): string {
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
    notice,
  );
}

export interface SupportView {
  username: string;
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  throttle: ThrottleStatus;
  /** The active factors: apps, delivered codes, security keys. */
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
      ? `Paused for ${formatWait(retryAfterMs)} more after wrong codes`
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
    ? html`<p>Clears the wrong codes and any lock. The user keeps their sign-in methods and backup codes.</p>
<form method="post" action="${path}/unlock">${csrf(ctx)}<button type="submit">Unlock</button></form>`
    : html`<p>Nothing to unlock.</p>`
}
<h2>Reset 2FA</h2>
${
  view.status === 'not-activated'
    ? html`<p>2FA is off for this user: nothing to reset.</p>`
    : html`<p>For a user who lost their phone and their backup codes: removes ${
        view.authenticators.length === 1
          ? html`their ${factorKind(view.authenticators[0]!).toLowerCase()}`
          : 'every sign-in method'
      }, the backup codes and any lock, and ends their sessions. They sign in with their password and set up 2FA again.</p>
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

/** A page that only says something; `alert` reads it out at once (a refused form). */
export function errorPage(ctx: PageContext, title: string, message: string, alert = false): string {
  const home = html`<p><a href="/">Home</a></p>`;
  return alert
    ? layout(ctx, title, home, { kind: 'error', text: message })
    : layout(ctx, title, html`<p>${message}</p>${home}`);
}

// Delivered-code factors: e-mail, Telegram, SMS and voice. factorkit makes the codes; the app's
// `deliver` sends them (in the demo: the outbox, outbox.ts).

/** factorkit's channel names are open (an app may name its own); these are the ones this app sends through. */
export function channelName(channel: string | undefined): string {
  return channel !== undefined && channel in CHANNEL_NAMES ? CHANNEL_NAMES[channel as Channel] : (channel ?? '');
}

const DESTINATION_FIELDS: Record<Channel, { label: string; type: string; autocomplete: string; hint: string }> = {
  email: {
    label: 'E-mail address',
    type: 'email',
    autocomplete: 'email',
    hint: 'Codes sent by e-mail are only as safe as the mailbox: protect it with 2FA of its own.',
  },
  telegram: {
    label: 'Telegram chat id',
    type: 'text',
    autocomplete: 'off',
    hint: 'Send /start to our bot: it answers with your chat id. The bot sends codes, and buttons to approve a sign-in.',
  },
  sms: {
    label: 'Mobile number, with the country code (+1 555 010 1234)',
    type: 'tel',
    autocomplete: 'tel',
    hint: 'Text messages can be redirected (SIM swap, number porting): an authenticator app is safer.',
  },
  voice: {
    label: 'Phone number, with the country code (+1 555 010 1234)',
    type: 'tel',
    autocomplete: 'tel',
    hint: 'We call this number; the last digits of the calling number are the code. Unanswered calls fall back to a text message.',
  },
};

const CHANNEL_TITLES: Record<Channel, string> = {
  email: 'Add an e-mail address',
  telegram: 'Add Telegram',
  sms: 'Add a mobile number',
  voice: 'Add a phone for voice calls',
};

/** "by e-mail to a•••@example.com", "by Telegram (chat •••789)"... */
function sentHow(channel: Channel, maskedDestination: string): SafeHtml {
  switch (channel) {
    case 'email':
      return html`by e-mail to <b class="masked-destination">${maskedDestination}</b>`;
    case 'telegram':
      return html`by Telegram to chat <b class="masked-destination">${maskedDestination}</b>`;
    case 'sms':
      return html`by text message to <b class="masked-destination">${maskedDestination}</b>`;
    case 'voice':
      return html`by calling <b class="masked-destination">${maskedDestination}</b>: the code is the last digits of the number calling you`;
  }
}

function outboxHint(ctx: PageContext): SafeHtml {
  return ctx.demoOutbox
    ? html`<p class="notice info">This demo sends nothing out: the message is on the <a href="/dev/outbox" target="_blank">outbox</a> page, the stand-in for a real inbox and phone.</p>`
    : html``;
}

export interface AddDeliveredView {
  channel: Channel;
  destination: string;
}

export function addDeliveredPage(ctx: PageContext, view: AddDeliveredView, notice?: Notice): string {
  const field = DESTINATION_FIELDS[view.channel];
  return layout(
    ctx,
    CHANNEL_TITLES[view.channel],
    html`<form method="post" action="/2fa/delivered/add">${csrf(ctx)}
<input type="hidden" name="channel" value="${view.channel}">
<label for="destination">${field.label}</label>
<input id="destination" name="destination" type="${field.type}" autocomplete="${field.autocomplete}" required maxlength="254" value="${view.destination}" autofocus>
<div><button type="submit">Send a code</button></div>
</form>
<p>${field.hint}</p>
<p><a href="/profile">Back to my profile</a></p>`,
    notice,
  );
}

export interface DeliveredCodeView {
  channel: Channel;
  /** How the last code went out; unset when this page's ask sent nothing (refused). */
  sentBy?: Channel | undefined;
  maskedDestination: string;
  /** Seconds until "Send a new code" is accepted again; 0 when it is now. */
  resendInSeconds: number;
}

function resendForm(ctx: PageContext, action: string, view: DeliveredCodeView, factorId: string): SafeHtml {
  return html`<form method="post" action="${action}">${csrf(ctx)}
<input type="hidden" name="factorId" value="${factorId}">
<button type="submit">Send a new code</button> <span id="resend-wait" aria-live="polite">${
    view.resendInSeconds > 0 ? `You can ask for a new code in ${formatWait(view.resendInSeconds * 1000)}.` : ''
  }</span>
</form>`;
}

export interface ConfirmDeliveredView extends DeliveredCodeView {
  factorId: string;
  /**
   * 2FA is on: a new destination is a new authenticator, so confirming it needs a code of a
   * current factor too (a stolen session alone cannot add its own phone).
   */
  requiresCurrentCode: boolean;
  /** The current delivered factors a code can be sent to for that. */
  currentMethods: SignInMethod[];
}

export function confirmDeliveredPage(ctx: PageContext, view: ConfirmDeliveredView, notice?: Notice): string {
  return layout(
    ctx,
    'Enter the code we sent',
    html`<p>We sent a code ${sentHow(view.sentBy ?? view.channel, view.maskedDestination)}. Enter it to confirm that it reaches you.</p>
${outboxHint(ctx)}
<form method="post" action="/2fa/delivered/confirm">${csrf(ctx)}
${codeField('Code', true)}
${
  view.requiresCurrentCode
    ? codeField(
        'A code from one of your current methods (app, e-mail, Telegram...) or a backup code',
        false,
        'currentCode',
      )
    : ''
}
<div><button type="submit">Confirm</button></div>
</form>
${
  view.requiresCurrentCode && view.currentMethods.length > 0
    ? html`<p>No app at hand? Get a code from a current method:</p>
<ul id="current-methods">${view.currentMethods.map(
        (method) => html`<li><form method="post" action="/2fa/delivered/current-code">${csrf(ctx)}
<input type="hidden" name="factorId" value="${method.factorId}"><button type="submit">Send a current code to ${method.maskedDestination}</button></form></li>`,
      )}</ul>`
    : ''
}
${resendForm(ctx, '/2fa/delivered/resend', view, view.factorId)}
<p><a href="/profile">Back to my profile</a></p>`,
    notice,
  );
}

export interface SignInMethod {
  factorId: string;
  channel: Channel;
  maskedDestination: string;
  /** How its next code goes out when not by `channel`: a voice factor's SMS fallback. */
  sendsBy?: Channel;
}

function methodButton(ctx: PageContext, method: SignInMethod): SafeHtml {
  const approval = method.channel === 'telegram';
  const label = {
    email: `E-mail me a code at ${method.maskedDestination}`,
    sms: `Text me a code at ${method.maskedDestination}`,
    voice: `Call me at ${method.maskedDestination}`,
    telegram: `Approve in Telegram (chat ${method.maskedDestination})`,
  }[method.sendsBy ?? method.channel];
  const why = method.sendsBy === 'sms' ? ' (the calls went unanswered, so codes now come by text message)' : '';
  return html`<li><form method="post" action="${approval ? '/login/2fa/approve' : '/login/2fa/send'}">${csrf(ctx)}
<input type="hidden" name="factorId" value="${method.factorId}"><button type="submit">${label}</button>${why}</form></li>`;
}

export function signInMethods(ctx: PageContext, methods: SignInMethod[]): SafeHtml {
  if (methods.length === 0) return html``;
  return html`<h2>Or</h2>
<ul id="sign-in-methods">${methods.map((method) => methodButton(ctx, method))}</ul>`;
}

export function deliveredSignInPage(
  ctx: PageContext,
  view: DeliveredCodeView & { factorId: string },
  notice?: Notice,
): string {
  return layout(
    ctx,
    'Enter the code we sent',
    html`${
      view.sentBy
        ? html`<p id="code-sent">We sent a code ${sentHow(view.sentBy, view.maskedDestination)}. It works once.</p>`
        : html`<p id="nothing-sent">No new code was sent (see above). A code we sent to <b class="masked-destination">${view.maskedDestination}</b> in the last minutes, by call or message, still works: enter it.</p>`
    }
${outboxHint(ctx)}
<form method="post" action="/login/2fa/code">${csrf(ctx)}
${codeField('Code', true)}
<label><input type="checkbox" name="remember" value="yes"> Remember this browser for 30 days</label>
<div><button type="submit">Verify</button></div>
</form>
${resendForm(ctx, '/login/2fa/send', view, view.factorId)}
<p><a href="/login/2fa">Use another method</a></p>`,
    notice,
  );
}

export interface ApprovalWaitView {
  maskedDestination: string;
  /** factorkit's matchNumber: the user picks it among the choices in the Telegram message. */
  matchNumber: string;
}

export const APPROVAL_POLL_SECONDS = 2;

export function approvalWaitPage(ctx: PageContext, view: ApprovalWaitView, notice?: Notice): string {
  return layout(
    ctx,
    'Approve in Telegram',
    html`<p>We sent a sign-in request to your Telegram (chat <b class="masked-destination">${view.maskedDestination}</b>).
In Telegram, press this number (any other one denies the sign-in):</p>
<p class="codes" id="match-number" aria-label="Number to compare">${view.matchNumber}</p>
<p id="approval-waiting" role="status">Waiting for your answer... This page moves on by itself (it checks every ${formatWait(APPROVAL_POLL_SECONDS * 1000)}).</p>
${outboxHint(ctx)}
<form method="post" action="/login/2fa/approve/cancel">${csrf(ctx)}<button type="submit">Use another method</button></form>`,
    notice,
    APPROVAL_POLL_SECONDS,
  );
}

export interface OutboxView {
  emails: readonly ReceivedMail[];
  phoneEntries: readonly PhoneEntry[];
  /** Where the demo's SMTP server listens. */
  smtpPort: number;
}

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function phoneEntry(ctx: PageContext, entry: PhoneEntry): SafeHtml {
  const head = html`<p class="entry-head"><b>${
    { sms: 'SMS', telegram: 'Telegram', voice: 'Voice call' }[entry.channel]
  }</b> · ${clockTime(entry.at)} UTC · to ${entry.channel === 'telegram' ? `chat ${entry.chatId}` : entry.to}</p>`;
  switch (entry.channel) {
    case 'sms':
      return html`<li class="entry" data-channel="sms" data-to="${entry.to}">${head}<p class="message">${entry.text}</p></li>`;
    case 'voice':
      return html`<li class="entry" data-channel="voice" data-to="${entry.to}">${head}<p class="message">Incoming call from
<b class="caller-id">${entry.callerId}</b> (code = last ${entry.code.length} digits). There is nothing to answer: the
code is read off the caller ID. A call whose code is never typed counts as unanswered (it did not reach you, or the
number was hidden), and after a few of them the next code comes by text message instead.</p></li>`;
    case 'telegram':
      if (entry.kind === 'code') {
        return html`<li class="entry" data-channel="telegram" data-to="${entry.chatId}">${head}<p class="message">${entry.text}</p></li>`;
      }
      return html`<li class="entry" data-channel="telegram" data-kind="approval" data-to="${entry.chatId}">${head}
<p class="message">${entry.text}</p>
${
  entry.answer
    ? html`<p class="answer">${
        entry.answer === 'refused'
          ? 'Too late: the request had expired or was already answered.'
          : entry.answer === 'wrong-number'
            ? 'Not the number on the sign-in page: the sign-in was denied.'
            : `You ${entry.answer} this request.`
      }</p>`
    : html`<p class="match-choices">${entry.matchChoices.map(
        (choice) =>
          html`<form class="inline" method="post" action="/dev/outbox/telegram/${entry.id}/approve">${csrf(ctx)}<input type="hidden" name="matchNumber" value="${choice}"><button type="submit" class="match-choice">${choice}</button></form>`,
      )}</p>
<form class="inline" method="post" action="/dev/outbox/telegram/${entry.id}/deny">${csrf(ctx)}<button type="submit">Deny</button></form>`
}</li>`;
  }
}

export function outboxPage(ctx: PageContext, view: OutboxView, notice?: Notice): string {
  const emails = [...view.emails].reverse();
  const phone = [...view.phoneEntries].reverse();
  return layout(
    ctx,
    'Outbox (demo stand-in)',
    html`<p class="notice info" id="stand-in"><b>Demo only: a stand-in for the real providers.</b> factorkit sends
nothing itself; it hands each code to the app's <code>deliver</code> callback. This demo sends e-mail for
real, over SMTP to its own mail server on 127.0.0.1:${view.smtpPort} (nothing leaves this machine), and
keeps text messages, Telegram messages and calls here instead of sending them to an SMS, voice or
Telegram provider. A real app has no such page: this one shows every user's codes to whoever opens it,
so the demo mounts it only when it keeps its data in memory (not with <code>DATABASE_URL</code>), and
answers it only to requests from 127.0.0.1.</p>
<h2>E-mail received by the demo's SMTP server</h2>
${
  emails.length === 0
    ? html`<p id="no-emails">No e-mail yet.</p>`
    : html`<ol id="emails" reversed>${emails.map(
        (mail) => html`<li class="email" data-to="${mail.envelope.to.join(' ')}">
<p class="entry-head"><b class="subject">${mail.subject}</b> · ${clockTime(mail.receivedAt)} UTC · to ${mail.to} · from ${mail.from}</p>
<pre class="message">${mail.text}</pre></li>`,
      )}</ol>`
}
<h2>Phone: text messages, Telegram and calls</h2>
${
  phone.length === 0
    ? html`<p id="no-phone">Nothing yet.</p>`
    : html`<ol id="phone" reversed>${phone.map((entry) => phoneEntry(ctx, entry))}</ol>`
}`,
    notice,
  );
}
