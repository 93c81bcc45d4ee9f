// The pages and page parts of security keys and passkeys. The options factorkit made travel in
// a data attribute; the one inline script (nonce'd, like every script here) hands them to
// navigator.credentials, puts the credential's toJSON() in the form and posts it: plain forms,
// so the CSRF check and the Content-Security-Policy (no fetch) apply unchanged.
import { type SafeHtml, html, trusted } from './html.js';
import { type Notice, type PageContext, csrf, layout } from './views.js';

const SCRIPT = `
for (const form of document.querySelectorAll('form[data-webauthn]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = form.querySelector('.webauthn-status');
    try {
      const options = JSON.parse(form.dataset.options);
      const credential = form.dataset.webauthn === 'create'
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      form.elements.credential.value = JSON.stringify(credential.toJSON());
      form.submit();
    } catch (error) {
      status.textContent = 'Your browser or key did not answer (' + error.name + '). Try again, or use another way in.';
    }
  });
}`;

/** A form whose submit asks the browser to create or use a credential, then posts it to `action`. */
export function webauthnForm(
  ctx: PageContext,
  view: { action: string; mode: 'create' | 'get'; options: unknown; button: string; id: string; fields?: SafeHtml },
): SafeHtml {
  return html`<form method="post" action="${view.action}" id="${view.id}" data-webauthn="${view.mode}" data-options="${JSON.stringify(view.options)}">${csrf(ctx)}
<input type="hidden" name="credential" value="">
${view.fields ?? ''}
<div><button type="submit">${view.button}</button> <span class="webauthn-status" role="status"></span></div>
</form>
<script nonce="${ctx.nonce}">${trusted(SCRIPT)}</script>`;
}

/** The security page's part: adding a security key or a passkey. */
export function webauthnLinks(): SafeHtml {
  return html`<h2>Security keys and passkeys</h2>
<p>A security key (touched after your password) or a passkey (this device's fingerprint, face or
PIN; it can also sign you in without a password). They cannot be phished: they answer only this
site. Open this site at <code>http://localhost</code> for them (browsers refuse them on an IP address).</p>
<ul><li><a href="/2fa/webauthn/add?kind=security-key" id="add-security-key">Add a security key</a></li>
<li><a href="/2fa/webauthn/add?kind=passkey" id="add-passkey">Add a passkey</a></li></ul>`;
}

export function addWebAuthnPage(
  ctx: PageContext,
  view: { kind: 'security-key' | 'passkey'; options: unknown; needsCurrentCode: boolean },
  notice?: Notice,
): string {
  const what = view.kind === 'passkey' ? 'a passkey' : 'a security key';
  const currentCode = view.needsCurrentCode
    ? html`<label for="currentCode">A code from your authenticator app, or a backup code</label>
<input id="currentCode" name="currentCode" type="text" autocomplete="one-time-code" required maxlength="32" spellcheck="false">`
    : html``;
  return layout(
    ctx,
    `Add ${what}`,
    html`<p>${view.needsCurrentCode ? 'Confirm it is you with a code of a factor you already have, then ' : ''}press the button and
${view.kind === 'passkey' ? 'unlock your passkey (fingerprint, face or PIN)' : 'touch your security key'} when the browser asks.</p>
${webauthnForm(ctx, { action: '/2fa/webauthn/add', mode: 'create', options: view.options, button: `Add ${what}`, id: 'webauthn-add', fields: currentCode })}
<p><a href="/security">Back to the security page</a></p>`,
    notice,
  );
}
