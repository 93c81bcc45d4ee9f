// Every page of the demo as a function returning escaped HTML (html.ts). A form marked
// `data-api` is sent by client.js as JSON to its `action`, a factorkit/http route under /2fa
// (or one of the demo's own JSON routes); the others are plain HTML forms.
import type { FactorSummary, RememberedDeviceSummary, ThrottleStatus, TwoFactorStatus } from 'factorkit';
import { formatWait } from 'factorkit/messages';
import type { AuditEntry } from './audit.js';
import { type SafeHtml, html, trusted } from './html.js';
import { LANGUAGES, type Language } from './i18n.js';
import type { ReceivedMail } from './mail.js';
import type { PhoneEntry } from './outbox.js';

export interface PageContext {
  /** The language of factorkit's messages, picked with the header's switch. */
  lang: Language;
  /** This page's path, where the language switch comes back to. */
  path: string;
  /** Password accepted, second step owed: the header offers neither "Log in" nor "Sign up". */
  pending?: boolean;
  /** Per-response CSP nonce of the stylesheet. */
  nonce: string;
  username?: string;
  isAdmin?: boolean;
  flash?: string | Notice;
  /** The demo's outbox page is mounted: linked from every page. */
  demoOutbox?: boolean;
  /** Security keys and passkeys are on: the log-in page offers a passkey. */
  passkeys?: boolean;
}

/** A message on a page; `lang` when it comes from factorkit/messages in the reader's language. */
export type Notice = { kind: 'error' | 'info'; text: string; lang?: Language };

export type Channel = 'email' | 'sms' | 'telegram' | 'voice';

// At 375 px nothing scrolls sideways: everything wraps, long words break, and a wide table
// scrolls inside itself instead of widening the page.
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
.codes { font-size: 1.15rem; list-style: none; padding-left: 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
td, th { padding: .25rem .75rem; border-bottom: 1px solid #eee; text-align: left; overflow-wrap: normal; }
h2 { font-size: 1.15rem; margin-top: 1.5rem; }
`;

/** The alert and status regions exist on every page, empty or not: client.js writes into them. */
function region(kind: Notice['kind'], notice: Notice | undefined): SafeHtml {
  const [id, role, live] = kind === 'error' ? ['alert', 'alert', 'assertive'] : ['status', 'status', 'polite'];
  const shown = notice?.kind === kind ? notice : undefined;
  return html`<p id="${id}" role="${role}" aria-live="${live}" tabindex="-1"${shown ? html` class="notice ${kind}"` : ''}${
    shown?.lang ? html` lang="${shown.lang}"` : ''
  }>${shown?.text ?? ''}</p>`;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml, notice?: Notice, refresh?: number): string {
  const flash = typeof ctx.flash === 'string' ? { kind: 'info' as const, text: ctx.flash } : ctx.flash;
  const [error, info] = (['error', 'info'] as const).map((kind) => [notice, flash].find((n) => n?.kind === kind));
  return html`<!doctype html>
<html lang="en" data-lang="${ctx.lang}">
<head>
<meta charset="utf-8">
${refresh ? html`<meta http-equiv="refresh" content="${refresh}">` : ''}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · factorkit example</title>
<style nonce="${ctx.nonce}">${trusted(STYLE)}</style>
<script src="/client.js" type="module"></script>
</head>
<body>
<header>
  <strong>factorkit example</strong>
  <nav id="account" aria-label="Account">${account(ctx)}${ctx.demoOutbox ? html` <a href="/dev/outbox">Outbox (demo)</a>` : ''}</nav>
  <nav id="languages" aria-label="Language of messages">${LANGUAGES.map(([code, name]) =>
    code === ctx.lang
      ? html`<b lang="${code}" aria-current="true">${name}</b>`
      : html`<a lang="${code}" hreflang="${code}" href="/lang/${code}?back=${encodeURIComponent(ctx.path)}">${name}</a>`,
  )}</nav>
</header>
<main>
<h1>${title}</h1>
${region('error', error)}
${region('info', info)}
${body}
</main>
</body>
</html>`.value;
}

function account(ctx: PageContext): SafeHtml {
  if (ctx.username) {
    return html`<a href="/profile">Profile</a> ${ctx.isAdmin ? html`<a href="/users">All users</a> ` : ''}
    <span>Signed in as <b id="whoami">${ctx.username}</b></span>
    ${postButton('/logout', 'Log out')}`;
  }
  return ctx.pending ? html`<span>Signing in</span>` : html`<a href="/login">Log in</a> <a href="/signup">Sign up</a>`;
}

const hidden = (fields: Record<string, string>) =>
  Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
const submit = (label: string) => html`<div><button type="submit">${label}</button></div>`;
const back = html`<p><a href="/profile">Back to my profile</a></p>`;

/** A plain HTML form of one button: log out, cancel, the support page's and the outbox's actions. */
const postButton = (action: string, label: string, fields: Record<string, string> = {}) =>
  html`<form class="inline" method="post" action="${action}">${hidden(fields)}<button type="submit">${label}</button></form>`;

/** client.js's settings of a form, each a data-* attribute (`codesTitle` is data-codes-title); false leaves one out. */
type ApiSettings = Record<string, string | false | undefined>;

/** A form that client.js sends as JSON to `action` (data-api), following its `settings`. */
function apiForm(action: string, settings: ApiSettings, body: SafeHtml, inline = false): SafeHtml {
  const attributes = Object.entries(settings).map(([key, value]) =>
    value === undefined || value === false
      ? ''
      : html` data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${value}"`,
  );
  return html`<form${inline ? trusted(' class="inline"') : ''} method="post" action="${action}" data-api${attributes}>
${body}</form>`;
}

/** What a form asking for a new factor's code and a current one says when either is refused. */
const twoCodesRefused = (newCode: string) =>
  'One of the two codes was not accepted. Enter the newest code of a sign-in method you already have (or an unused ' +
  `backup code) and ${newCode}; a code that was already used does not work again.`;

/** The first code field of a page takes the focus; a second one (currentCode) does not. */
function codeField(label: string, name = 'code'): SafeHtml {
  return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="text" autocomplete="one-time-code" required maxlength="32" spellcheck="false"${
    name === 'code' ? trusted(' autofocus') : ''
  }>`;
}

export function passwordPage(ctx: PageContext, signUp: boolean, notice?: Notice, username = ''): string {
  const [title, other] = signUp ? ['Sign up', 'Log in'] : ['Log in', 'Sign up'];
  return layout(
    ctx,
    title,
    html`<form method="post" action="${signUp ? '/signup' : '/login'}">
<label for="username">User name${signUp ? ' (3 to 32 letters, digits, . _ -)' : ''}</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${username}"${username ? '' : trusted(' autofocus')}>
<label for="password">Password${signUp ? ' (at least 10 characters)' : ''}</label>
<input id="password" name="password" type="password" autocomplete="${signUp ? 'new' : 'current'}-password" required${username ? trusted(' autofocus') : ''}>
${submit(title)}
</form>
${signUp || !ctx.passkeys ? '' : webauthnButton('/login/passkey', '/login/passkey/options', 'Sign in with a passkey')}
<p>${signUp ? 'Already have an account?' : 'No account yet?'} <a href="/${other === 'Log in' ? 'login' : 'signup'}">${other}</a>.</p>`,
    notice,
  );
}

/** A form whose submit asks the browser for a credential (client.js) and sends it to `action`. */
export function webauthnButton(action: string, options: string, label: string): SafeHtml {
  return apiForm(action, { next: '/profile', webauthn: options, optionsBody: '{}' }, submit(label));
}

/** One of the user's delivered factors: how its next code goes out (a voice factor's SMS fallback). */
export interface SignInMethod {
  factorId: string;
  channel: Channel;
  maskedDestination: string;
  sendsBy?: Channel;
}

/** Per channel: its name in the lists, the second step's button, and how a code went out. */
const CHANNEL_TEXTS: Record<Channel, { name: string; button: string; sent: string }> = {
  email: { name: 'E-mail', button: 'E-mail me a code at', sent: 'by e-mail to' },
  sms: { name: 'Text message (SMS)', button: 'Text me a code at', sent: 'by text message to' },
  telegram: { name: 'Telegram', button: 'Approve in Telegram (chat', sent: 'by Telegram to chat' },
  voice: { name: 'Voice call', button: 'Call me at', sent: 'by calling' },
};

/** Where the second step goes once a code was sent (client.js fills the braces from the answer). */
const SENT_PAGE = '/login/2fa/code?factorId={factorId}&sent={channel}';

/**
 * Said after a refusal to send that asks to wait hours, in the language of the refusal before it:
 * client.js puts both in one alert, which carries that language's `lang`.
 */
const LONG_WAIT: Record<Language, string> = {
  en: 'Meanwhile, use another method: an authenticator app, another of your methods or a backup code.',
  de: 'Nutzen Sie bis dahin eine andere Methode: eine Authenticator-App, eine andere Ihrer Methoden oder einen Backup-Code.',
  fr: 'En attendant, utilisez une autre méthode : une application d’authentification, une autre de vos méthodes ou un code de secours.',
  es: 'Mientras tanto, use otro método: una aplicación de autenticación, otro de sus métodos o un código de respaldo.',
  ru: 'А пока воспользуйтесь другим способом: приложением-аутентификатором, другим вашим способом или резервным кодом.',
};

function methodButton(method: SignInMethod, lang: Language): SafeHtml {
  const by = method.sendsBy ?? method.channel;
  const [action, next] =
    by === 'telegram'
      ? ['/2fa/sign-in/approval', '/login/2fa/wait?challengeId={challengeId}&match={matchNumber}&factorId={factorId}']
      : ['/2fa/sign-in/send-code', SENT_PAGE];
  const why = method.sendsBy === 'sms' ? ' (the calls went unanswered, so codes now come by text message)' : '';
  const longWait = LONG_WAIT[lang];
  const label = `${CHANNEL_TEXTS[by].button} ${method.maskedDestination}${by === 'telegram' ? ')' : ''}`;
  const button = html`${hidden({ factorId: method.factorId })}<button type="submit">${label}</button>${why}`;
  return html`<li>${apiForm(action, { next, failed: 'nothing-sent', longWait }, button)}</li>`;
}

export interface SecondStepView {
  username: string;
  methods: SignInMethod[];
  /** The code this sign-in last sent, said again (it still works). */
  lastSent?: SignInMethod | undefined;
  webauthn: boolean;
}

export function secondStepPage(ctx: PageContext, view: SecondStepView, notice?: Notice): string {
  return layout(
    ctx,
    'Two-factor authentication',
    html`<p>Password accepted for <b>${view.username}</b>. One more step: enter the six-digit code from your
authenticator app, a code we sent you, or one of your backup codes.</p>
${view.lastSent ? html`<p id="code-sent">${sentHow(view.lastSent.sendsBy ?? view.lastSent.channel, view.lastSent.maskedDestination)}. It still works: enter it below.</p>` : ''}
<p id="nothing-sent" hidden>No new code was sent. A code we sent you in the last minutes, by call or message, still works: enter it.</p>
${verifyForm('Code or backup code')}
${view.webauthn ? webauthnButton('/2fa/sign-in/verify', '/2fa/sign-in/webauthn-options', 'Use your security key or passkey') : ''}
${view.methods.length > 0 ? html`<h2>Or</h2><ul id="sign-in-methods">${view.methods.map((method) => methodButton(method, ctx.lang))}</ul>` : ''}
${postButton('/login/cancel', 'Cancel')}`,
    notice,
  );
}

function verifyForm(label: string, factorId?: string): SafeHtml {
  return apiForm(
    '/2fa/sign-in/verify',
    { next: '/profile?with={method}' },
    html`${factorId ? hidden({ factorId }) : ''}${codeField(label)}
<label><input type="checkbox" name="rememberDevice"> Remember this browser for 30 days</label>
${submit('Verify')}`,
  );
}

/** "We sent a code by e-mail to i***@example.test", "... by calling +*******4477: ..." */
function sentHow(channel: Channel, masked: string): SafeHtml {
  const voice = channel === 'voice' ? ': the code is the last digits of the number calling you' : '';
  return html`We sent a code ${CHANNEL_TEXTS[channel].sent} <b class="masked-destination">${masked}</b>${voice}`;
}

const outboxHint = (ctx: PageContext) =>
  ctx.demoOutbox
    ? html`<p>This demo sends nothing out: the message is on the <a href="/dev/outbox" target="_blank">outbox</a> page, the stand-in for a real inbox and phone.</p>`
    : '';

const newCodeButton = (factorId: string) => html`${hidden({ factorId })}<button type="submit">Send a new code</button>`;

export function codeSentPage(ctx: PageContext, method: SignInMethod): string {
  const by = method.sendsBy ?? method.channel;
  return layout(
    ctx,
    'Enter the code we sent',
    html`<p id="code-sent">${sentHow(by, method.maskedDestination)}. It works once.</p>
${outboxHint(ctx)}
${verifyForm('Code', method.factorId)}
${apiForm('/2fa/sign-in/send-code', { next: SENT_PAGE }, newCodeButton(method.factorId))}
<p><a href="/login/2fa">Use another method</a></p>`,
  );
}

export function approvalWaitPage(ctx: PageContext, masked: string, matchNumber: string): string {
  return layout(
    ctx,
    'Approve in Telegram',
    html`<p>We sent a sign-in request to your Telegram (chat <b class="masked-destination">${masked}</b>).
In Telegram, press this number (any other one denies the sign-in):</p>
<p class="codes" id="match-number" aria-label="Number to compare">${matchNumber}</p>
<p id="approval-waiting">Waiting for your answer... This page moves on by itself (it checks every 2 seconds).</p>
${outboxHint(ctx)}
<form action="/login/2fa"><button type="submit">Use another method</button></form>`,
    undefined,
    2,
  );
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "Authenticator app", "E-mail", "Telegram", "Security key"...: what kind of factor a row is. */
export function factorKind(factor: FactorSummary): string {
  if (factor.type === 'webauthn') return factor.kind === 'passkey' ? 'Passkey' : 'Security key';
  if (factor.type === 'totp') return 'Authenticator app';
  return CHANNEL_TEXTS[factor.channel as Channel]?.name ?? factor.channel ?? factor.type;
}

const removeLink = (factor: FactorSummary) =>
  html`<a href="/2fa/factors/${encodeURIComponent(factor.factorId)}/remove" aria-label="Remove ${factor.name}">Remove</a>`;

/** A table of a header row and `rows` (each a `<tr>` of `td`s); a wide one scrolls inside itself. */
const table = (id: string, head: string[], rows: SafeHtml[]) => html`<table id="${id}">
<thead><tr>${head.map((name) => html`<th>${name}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
const td = (value: unknown, className?: string) =>
  className ? html`<td class="${className}">${value}</td>` : html`<td>${value}</td>`;

function factorTable(factors: FactorSummary[], removable: boolean): SafeHtml {
  const head = ['Name', 'Kind', 'Sends to', 'Added', 'Last used', ...(removable ? [''] : [])];
  const row = (f: FactorSummary) => {
    const named = html`${td(f.name, 'name')}${td(factorKind(f), 'kind')}${td(f.maskedDestination ?? '', 'destination')}`;
    const used = f.lastUsedAt === null ? 'never' : day(f.lastUsedAt);
    return html`<tr>${named}${td(day(f.createdAt))}${td(used)}${removable ? td(removeLink(f)) : ''}</tr>`;
  };
  return table('authenticators', head, factors.map(row));
}

export interface ProfileView {
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  factors: FactorSummary[];
  /** The app has a sender: e-mail, Telegram, SMS and voice can be added. */
  delivery: boolean;
  /** Voice calls are a fallback only: offered once another active factor is not voice. */
  voiceAllowed: boolean;
}

function deliveredLinks(view: ProfileView): SafeHtml {
  if (!view.delivery) return html``;
  const link = (channel: Channel, text: string, what: string) =>
    html`<li><a href="/2fa/delivered/add?channel=${channel}">${text}</a> (${what})</li>`;
  return html`${link('email', 'Add an e-mail address', 'codes by e-mail')}
${link('telegram', 'Add Telegram', 'codes, and approving sign-ins with a button')}
${link('sms', 'Add a mobile number', 'codes by text message')}
${
  view.voiceAllowed
    ? link('voice', 'Add a phone for voice calls', 'a fallback: the code is the calling number')
    : html`<li>Voice calls: a fallback only, offered once you have another way to sign in besides them</li>`
}`;
}

export function profilePage(ctx: PageContext, username: string, view: ProfileView, notice?: Notice): string {
  const on = view.status === 'activated';
  return layout(
    ctx,
    'Profile',
    html`<p>User name: <b>${username}</b></p>
<p>Two-factor authentication: <b id="two-factor-status">${on ? 'Activated' : 'Not activated'}</b></p>
${
  on
    ? html`<p>Backup codes left: <b id="backup-codes-left">${view.remainingBackupCodes}</b></p>
${factorTable(view.factors, true)}
<ul>
  <li><a href="/security">Security</a>: rename your sign-in methods, forget remembered browsers</li>
  <li><a href="/2fa/add">Add an authenticator app</a> (a new phone: add it, then remove the old one)</li>
  ${deliveredLinks(view)}
  <li><a href="/2fa/backup-codes">Generate backup codes</a> (replaces all your current backup codes)</li>
  <li><a href="/2fa/disable">Disable 2FA</a></li>
</ul>`
    : html`<p>Protect your account with a code from an authenticator app: <a href="/2fa/enable">Enable 2FA</a>.</p>${
        view.delivery
          ? html`<p>Or start with a code sent to you (weaker than an app: messages can be intercepted or redirected):</p><ul>${deliveredLinks(view)}</ul>`
          : ''
      }`
}`,
    notice,
  );
}

function renameForm(f: FactorSummary): SafeHtml {
  const fields = html`${hidden({ factorId: f.factorId })}
<input type="text" name="name" required maxlength="64" value="${f.name}" aria-label="New name for ${f.name}">
<button type="submit" aria-label="Rename ${f.name}">Rename</button>`;
  return apiForm('/2fa/factors/rename', { next: '/security', done: `Renamed ${f.name} to {name}.` }, fields, true);
}

export function securityPage(
  ctx: PageContext,
  view: { factors: FactorSummary[]; devices: RememberedDeviceSummary[]; webauthn: boolean },
): string {
  const label = (device: RememberedDeviceSummary) => deviceLabel(device.label ?? undefined);
  const forgot = (d: RememberedDeviceSummary) => `Forgot ${label(d)}: signing in there needs a code again.`;
  const forget = (d: RememberedDeviceSummary) =>
    html`${hidden({ deviceId: d.deviceId })}<button type="submit">Forget</button>`;
  const factorRow = (f: FactorSummary) =>
    html`<tr>${td(f.name, 'name')}${td(factorKind(f), 'kind')}${td(day(f.createdAt))}<td>
${renameForm(f)} ${removeLink(f)}</td></tr>`;
  const deviceRow = (d: RememberedDeviceSummary) =>
    html`<tr>${td(label(d), 'label')}${td(day(d.createdAt))}${td(day(d.expiresAt))}<td>
${apiForm('/2fa/devices/forget', { next: '/security', done: forgot(d) }, forget(d), true)}</td></tr>`;
  return layout(
    ctx,
    'Security',
    html`<h2>Sign-in methods</h2>
${
  view.factors.length === 0
    ? html`<p>No sign-in method: <a href="/2fa/enable">enable 2FA</a>.</p>`
    : html`${table('security-authenticators', ['Name', 'Kind', 'Added', ''], view.factors.map(factorRow))}
<p><a href="/2fa/add">Add an authenticator app</a></p>`
}
${
  view.webauthn
    ? html`<h2>Security keys and passkeys</h2>
<p>A security key (touched after your password) or a passkey (this device's fingerprint, face or PIN; it can
also sign you in without a password) answers this site only, so it cannot be phished.</p>
<ul><li><a href="/2fa/webauthn/add?kind=security-key" id="add-security-key">Add a security key</a></li>
<li><a href="/2fa/webauthn/add?kind=passkey" id="add-passkey">Add a passkey</a></li></ul>`
    : ''
}
<h2>Remembered browsers</h2>
<p>These browsers sign in with your password alone until the date shown. Adding or removing a
sign-in method, or turning 2FA off, forgets all of them.</p>
${
  view.devices.length === 0
    ? html`<p id="no-devices">No remembered browsers.</p>`
    : table('devices', ['Browser', 'Remembered on', 'Until', ''], view.devices.map(deviceRow))
}
${back}`,
  );
}

/** "Chrome on Linux" from a User-Agent: enough for a user to recognise the browser in a list. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browsers: [RegExp, string][] = [
    [/Edg\//, 'Edge'],
    [/Firefox\//, 'Firefox'],
    [/Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'],
  ];
  const systems: [RegExp, string][] = [
    [/Android/, 'Android'],
    [/iPhone|iPad/, 'iOS'],
    [/Windows/, 'Windows'],
    [/Mac OS X/, 'macOS'],
    [/Linux/, 'Linux'],
  ];
  const browser = browsers.find(([pattern]) => pattern.test(ua))?.[1] ?? 'A browser';
  const os = systems.find(([pattern]) => pattern.test(ua))?.[1];
  return os ? `${browser} on ${os}` : browser;
}

/** Where a confirmation's backup codes appear (client.js fills them in), with Copy and Download. */
function backupCodesSection(username: string): SafeHtml {
  return html`<section id="codes-shown" hidden>
<p><b>Save these backup codes now: they are shown only once.</b> Each one lets you log in once if you lose
your phone. Generating new codes makes these stop working. Case, dashes and spaces do not matter.</p>
<ul id="backup-codes" class="codes"></ul>
<p><button type="button" id="copy-codes">Copy</button>
<a id="download-codes" download="backup-codes.txt" data-heading="factorkit example: backup codes for ${username}">Download as a text file</a>
<span id="copy-status" role="status"></span></p>
<p><a href="/profile">I have saved my codes: back to my profile</a></p>
</section>`;
}

export interface EnrollmentView {
  factorId: string;
  qrSvg: string;
  manualKey: string;
  issuer: string;
  username: string;
  /** factorkit/messages' text for a first wrong code: taken for a typo, not the clock's fault. */
  typo: string;
}

/** The QR page of the first app (`/2fa/enable`) or one more (`/2fa/add`, with a current code). */
export function enrollmentPage(ctx: PageContext, view: EnrollmentView, adding: boolean): string {
  const done =
    'Authenticator app added: codes of each of your apps now work. If it replaces an old phone, remove the old one below.';
  const settings = {
    firstInvalid: view.typo,
    codesTitle: '2FA is on: your backup codes',
    ...(adding && { next: '/profile', done, onInvalid: twoCodesRefused('the newest code of the new app') }),
  };
  const fields = html`${hidden({ factorId: view.factorId })}
${codeField(adding ? '2. The six-digit code the new app shows' : '2. Enter the six-digit code the app shows')}
${adding ? codeField('3. A code from your current app or a backup code', 'currentCode') : ''}
${submit(adding ? 'Add this app' : 'Check')}`;
  return layout(
    ctx,
    adding ? 'Add an authenticator app' : 'Enable 2FA',
    html`<section>
<p>1. Scan this QR code with ${adding ? 'the authenticator app on your new phone. Your current apps keep working until you remove them' : 'an authenticator app (Google Authenticator, Aegis, 1Password, ...)'}:</p>
<figure id="qr" aria-label="QR code for your authenticator app">${trusted(view.qrSvg)}</figure>
<p>Cannot scan? Type this key instead (account <b>${view.issuer}: ${view.username}</b>, time-based):</p>
<p><code id="manual-key">${view.manualKey}</code></p>
${apiForm('/2fa/enrollment/confirm', settings, fields)}
${adding ? html`<p>Lost your current phone and your backup codes? Contact support: they can reset your 2FA after checking who you are.</p>` : ''}
</section>
${backupCodesSection(view.username)}`,
  );
}

/** A page asking for a code of any factor: remove one, new backup codes, turn 2FA off. */
export function codeConfirmPage(
  ctx: PageContext,
  form: { title: string; action: string; intro: string; button: string; done?: string; factorId?: string },
  sendTo: SignInMethod[],
  username: string,
): string {
  const settings = { codesTitle: 'Your new backup codes', ...(form.done && { next: '/profile', done: form.done }) };
  const fields = html`${form.factorId ? hidden({ factorId: form.factorId }) : ''}
${codeField('A code from one of your sign-in methods, or a backup code')}
${submit(form.button)}`;
  return layout(
    ctx,
    form.title,
    html`<section><p>${form.intro}</p>
${apiForm(form.action, settings, fields)}
${sendButtons(sendTo, 'Send a code to')}
${back}</section>
${backupCodesSection(username)}`,
  );
}

/** "Send a code to ...": a code of a delivered factor, for a field that takes any current code. */
function sendButtons(methods: SignInMethod[], label: string): SafeHtml {
  if (methods.length === 0) return html``;
  return html`<p>Or use a code we send you:</p>
<ul id="send-code">${methods.map((m) => {
    const button = html`${hidden({ factorId: m.factorId })}<button type="submit">${label} ${m.maskedDestination}</button>`;
    return html`<li>${apiForm('/2fa/send-code', { done: `We sent a code to ${m.maskedDestination}.` }, button)}</li>`;
  })}</ul>`;
}

const DESTINATIONS: Record<Channel, { title: string; label: string; type: string; hint: string }> = {
  email: {
    title: 'Add an e-mail address',
    label: 'E-mail address',
    type: 'email',
    hint: 'Codes sent by e-mail are only as safe as the mailbox: protect it with 2FA of its own.',
  },
  telegram: {
    title: 'Add Telegram',
    label: 'Telegram chat id',
    type: 'text',
    hint: 'Send /start to our bot: it answers with your chat id. The bot sends codes, and buttons to approve a sign-in.',
  },
  sms: {
    title: 'Add a mobile number',
    label: 'Mobile number, with the country code (+1 555 010 1234)',
    type: 'tel',
    hint: 'Text messages can be redirected (SIM swap, number porting): an authenticator app is safer.',
  },
  voice: {
    title: 'Add a phone for voice calls',
    label: 'Phone number, with the country code (+1 555 010 1234)',
    type: 'tel',
    hint: 'We call this number; the last digits of the calling number are the code. Unanswered calls fall back to a text message.',
  },
};

export function addDeliveredPage(ctx: PageContext, channel: Channel): string {
  const field = DESTINATIONS[channel];
  const onBadRequest =
    'That does not look right: an e-mail address, a phone number starting with + and the country code, or a Telegram chat id (digits).';
  const settings = { next: '/2fa/delivered/confirm?factorId={factorId}', onBadRequest };
  const fields = html`${hidden({ type: 'delivered', channel })}
<label for="destination">${field.label}</label>
<input id="destination" name="destination" type="${field.type}" autocomplete="off" required maxlength="254" autofocus>
${submit('Send a code')}`;
  return layout(
    ctx,
    field.title,
    html`${apiForm('/2fa/enrollment/begin', settings, fields)}
<p>${field.hint}</p>
${back}`,
  );
}

export interface ConfirmDeliveredView {
  factor: SignInMethod;
  /** 2FA is on: a new destination is a new authenticator, so a current factor's code is asked too. */
  currentCode: boolean;
  /** The current delivered factors a code can be sent to for that. */
  current: SignInMethod[];
  username: string;
}

export function confirmDeliveredPage(ctx: PageContext, view: ConfirmDeliveredView): string {
  const { factor } = view;
  const settings = {
    next: '/profile',
    done: `Added ${factor.maskedDestination}: you can now sign in with it.`,
    codesTitle: '2FA is on: your backup codes',
    onInvalid: view.currentCode && twoCodesRefused(`the code we sent to ${factor.maskedDestination}`),
  };
  const current = 'A code from one of your current methods (app, e-mail, Telegram...) or a backup code';
  const fields = html`${hidden({ factorId: factor.factorId })}${codeField('Code')}
${view.currentCode ? codeField(current, 'currentCode') : ''}
${submit('Confirm')}`;
  return layout(
    ctx,
    'Enter the code we sent',
    html`<section><p>${sentHow(factor.channel, factor.maskedDestination)}. Enter it to confirm that it reaches you.</p>
${outboxHint(ctx)}
${apiForm('/2fa/enrollment/confirm', settings, fields)}
${view.currentCode ? sendButtons(view.current, 'Send a current code to') : ''}
${apiForm('/2fa/send-code', { done: 'We sent a new code.' }, newCodeButton(factor.factorId))}
${back}</section>
${backupCodesSection(view.username)}`,
  );
}

export function addWebAuthnPage(
  ctx: PageContext,
  kind: 'security-key' | 'passkey',
  currentCode: boolean,
  username: string,
) {
  const what = kind === 'passkey' ? 'a passkey' : 'a security key';
  const done = kind === 'passkey' ? 'Passkey added.' : 'Security key added.';
  const optionsBody = JSON.stringify({ type: 'webauthn', kind, userName: username });
  const settings = { next: '/security', done, codesTitle: '2FA is on', webauthn: '/2fa/enrollment/begin', optionsBody };
  const fields = html`${currentCode ? codeField('A code from your authenticator app, or a backup code', 'currentCode') : ''}
${submit(`Add ${what}`)}`;
  return layout(
    ctx,
    `Add ${what}`,
    html`<section><p>${currentCode ? 'Confirm it is you with a code of a factor you already have, then ' : ''}press the button and
${kind === 'passkey' ? 'unlock your passkey (fingerprint, face or PIN)' : 'touch your security key'} when the browser asks.</p>
${apiForm('/2fa/enrollment/confirm', settings, fields)}
<p><a href="/security">Back to the security page</a></p></section>
${backupCodesSection(username)}`,
  );
}

export type UserFilter = 'all' | 'activated' | 'not-activated';

type UserRow = { username: string; status: string; createdAt: number };
const userRow = (row: UserRow) => {
  const link = html`<a href="/support/${encodeURIComponent(row.username)}">${row.username}</a>`;
  return html`<tr>${td(link, 'username')}${td(row.status, 'status')}${td(day(row.createdAt))}</tr>`;
};

export function usersPage(ctx: PageContext, filter: UserFilter, rows: UserRow[], notice?: Notice): string {
  const filters: [UserFilter, string][] = [
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
${table('users', ['User', '2FA', 'Signed up'], rows.map(userRow))}
<p id="user-count">${rows.length} ${rows.length === 1 ? 'user' : 'users'}</p>`,
    notice,
  );
}

export const statusText = (status: TwoFactorStatus) =>
  status === 'activated' ? 'Activated' : status === 'pending' ? 'Not activated (setup started)' : 'Not activated';

export interface SupportView {
  username: string;
  status: TwoFactorStatus;
  remainingBackupCodes: number;
  throttle: ThrottleStatus;
  factors: FactorSummary[];
  /** Newest first. */
  audit: AuditEntry[];
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const auditRow = (e: AuditEntry) => html`<tr>${td(utc(e.at))}${td(e.type, 'event')}${td(e.detail, 'detail')}</tr>`;

export function supportPage(ctx: PageContext, view: SupportView, notice?: Notice): string {
  const path = `/support/${encodeURIComponent(view.username)}`;
  const { failures, retryAfterMs, hardLocked } = view.throttle;
  const lock = hardLocked
    ? 'Locked: every code is refused until you unlock it'
    : retryAfterMs > 0
      ? `Paused for ${formatWait(retryAfterMs)} more after wrong codes`
      : 'Not locked';
  const only =
    view.factors.length === 1 ? html`their ${factorKind(view.factors[0]!).toLowerCase()}` : 'every sign-in method';
  return layout(
    ctx,
    `Support: ${view.username}`,
    html`<p>Before changing anything, check that you are talking to <b>${view.username}</b> through a
channel an attacker does not control: call back a number on file, check an ID document. Whoever
calls about a lost phone may be the thief.</p>
<table id="support-status">
<tr><th>2FA</th><td id="support-2fa">${statusText(view.status)}</td></tr>
<tr><th>Backup codes left</th><td id="support-backup-codes">${view.remainingBackupCodes}</td></tr>
<tr><th>Wrong codes in a row</th><td id="support-failures">${failures}</td></tr>
<tr><th>Sign-in</th><td id="support-lock">${lock}</td></tr>
</table>
${view.factors.length > 0 ? factorTable(view.factors, false) : ''}
<h2>Unlock</h2>
${
  failures > 0 || hardLocked || retryAfterMs > 0
    ? html`<p>Clears the wrong codes and any lock. The user keeps their sign-in methods and backup codes.</p>
${postButton(`${path}/unlock`, 'Unlock')}`
    : html`<p>Nothing to unlock.</p>`
}
<h2>Reset 2FA</h2>
${
  view.status === 'not-activated'
    ? html`<p>2FA is off for this user: nothing to reset.</p>`
    : html`<p>For a user who lost their phone and their backup codes: removes ${only}, the backup codes and any lock,
and ends their sessions. They sign in with their password and set up 2FA again.</p>
<form method="post" action="${path}/reset">
<label><input type="checkbox" name="identityChecked" value="yes" required> I have verified this person's identity out of band</label>
${submit('Reset 2FA')}
</form>`
}
<h2>Audit log</h2>
${
  view.audit.length === 0
    ? html`<p id="audit-empty">No 2FA events for this user since the app started.</p>`
    : table('audit', ['When', 'Event', 'What happened'], view.audit.map(auditRow))
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

const clockTime = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`;
const ANSWERS = {
  refused: 'Too late: the request had expired or was already answered.',
  'wrong-number': 'Not the number on the sign-in page: the sign-in was denied.',
  approved: 'You approved this request.',
  denied: 'You denied this request.',
};

function phoneEntry(entry: PhoneEntry): SafeHtml {
  const to = entry.channel === 'telegram' ? entry.chatId : entry.to;
  const name = { sms: 'SMS', telegram: 'Telegram', voice: 'Voice call' }[entry.channel];
  const head = html`<p><b>${name}</b> · ${clockTime(entry.at)} · to ${entry.channel === 'telegram' ? `chat ${to}` : to}</p>`;
  const kind = entry.channel === 'telegram' ? entry.kind : undefined;
  const item = (body: SafeHtml) =>
    html`<li class="entry" data-channel="${entry.channel}" data-to="${to}"${kind ? html` data-kind="${kind}"` : ''}>${head}${body}</li>`;
  if (entry.channel === 'voice') {
    return item(html`<p class="message">Incoming call from <b class="caller-id">${entry.callerId}</b> (code = last ${entry.code.length} digits).
Nothing to answer: the code is read off the caller ID. A call whose code is never typed counts as unanswered, and after
a few of them the next code comes by text message instead.</p>`);
  }
  if (entry.channel === 'sms' || entry.kind === 'code') return item(html`<p class="message">${entry.text}</p>`);
  const button = (choice: string) =>
    html`<form class="inline" method="post" action="/dev/outbox/telegram/${entry.id}/approve">${hidden({ matchNumber: choice })}<button type="submit" class="match-choice">${choice}</button></form>`;
  return item(
    html`<p class="message">${entry.text}</p>${
      entry.answer
        ? html`<p class="answer">${ANSWERS[entry.answer]}</p>`
        : html`<p>${entry.matchChoices.map(button)}</p>
${postButton(`/dev/outbox/telegram/${entry.id}/deny`, 'Deny')}`
    }`,
  );
}

export function outboxPage(
  ctx: PageContext,
  emails: readonly ReceivedMail[],
  phone: readonly PhoneEntry[],
  smtpPort: number,
) {
  return layout(
    ctx,
    'Outbox (demo stand-in)',
    html`<p class="notice info" id="stand-in"><b>Demo only: a stand-in for the real providers.</b> factorkit sends
nothing itself; it hands each code to the app's <code>deliver</code> callback. This demo sends e-mail for
real, over SMTP to its own mail server on 127.0.0.1:${smtpPort} (nothing leaves this machine), and keeps
text messages, Telegram messages and calls here. A real app has no such page: this one shows every user's
codes, so the demo mounts it only in memory (not with <code>DATABASE_URL</code>), for requests from 127.0.0.1.</p>
<h2>E-mail received by the demo's SMTP server</h2>
${
  emails.length === 0
    ? html`<p>No e-mail yet.</p>`
    : html`<ol id="emails" reversed>${[...emails].reverse().map(
        (mail) => html`<li class="email" data-to="${mail.envelope.to.join(' ')}">
<p><b>${mail.subject}</b> · ${clockTime(mail.receivedAt)} · to ${mail.to} · from ${mail.from}</p>
<pre class="message">${mail.text}</pre></li>`,
      )}</ol>`
}
<h2>Phone: text messages, Telegram and calls</h2>
${phone.length === 0 ? html`<p>Nothing yet.</p>` : html`<ol id="phone" reversed>${[...phone].reverse().map(phoneEntry)}</ol>`}`,
  );
}
