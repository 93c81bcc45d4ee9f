// The demo's one script, served from the demo itself (CSP script-src 'self'). A form marked
// data-api is sent as JSON to its action (a factorkit/http route): a failure's message goes to
// the role="alert" region, which takes the focus; a success shows the backup codes it returned,
// or follows data-next ({name} filled from the fields and the answer), or says data-done.
const lang = document.documentElement.dataset.lang ?? 'en';
const alertRegion = document.getElementById('alert');
const statusRegion = document.getElementById('status');

function say(region, text, kind) {
  region.textContent = text;
  region.className = text === '' ? '' : `notice ${kind}`;
  if (kind === 'error') region.lang = lang;
}

const fill = (template, values, encode) =>
  template.replace(/\{(\w+)\}/g, (_, key) => (encode ? encodeURIComponent(values[key] ?? '') : (values[key] ?? '')));

/** The form's fields as JSON: checkboxes as booleans, empty text fields left out. */
function fieldsOf(form) {
  const body = {};
  for (const field of form.elements) {
    if (field.name === '') continue;
    if (field.type === 'checkbox') body[field.name] = field.checked;
    else if (field.value.trim() !== '') body[field.name] = field.value;
  }
  return body;
}

const failed = { ok: false, message: 'Something went wrong. Please try again.' };

async function post(url, body) {
  const headers = { 'content-type': 'application/json', 'accept-language': lang };
  const response = await fetch(url, { method: 'POST', redirect: 'manual', headers, body: JSON.stringify(body) }).catch(
    () => undefined,
  );
  // A redirect: the server ended this session. Loading the page again shows why.
  if (response?.type === 'opaqueredirect') return undefined;
  return response ? response.json().catch(() => failed) : failed;
}

/** A security key or passkey: the options from data-webauthn, then the browser's credential. */
async function withCredential(form, body) {
  const options = await post(form.dataset.webauthn, JSON.parse(form.dataset.optionsBody));
  if (options === undefined || !options.ok) return options;
  try {
    const json = options.options;
    const credential = json.rp
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) });
    return post(form.action, {
      ...body,
      webauthn: credential.toJSON(),
      ...(options.factorId && { factorId: options.factorId }),
    });
  } catch (error) {
    return {
      ok: false,
      message: `Your browser or key did not answer (${error.name}). Try again, or use another way in.`,
    };
  }
}

function showCodes(form, codes) {
  const list = document.getElementById('backup-codes');
  const item = (code) =>
    document.createElement('li').appendChild(Object.assign(document.createElement('code'), { textContent: code }))
      .parentNode;
  list.replaceChildren(...codes.map(item));
  const download = document.getElementById('download-codes');
  const text = [
    download.dataset.heading,
    `Generated ${new Date().toISOString()}. Each code works once.`,
    '',
    ...codes,
    '',
  ];
  download.href = `data:text/plain;charset=utf-8,${encodeURIComponent(text.join('\n'))}`;
  document.querySelector('h1').textContent = form.dataset.codesTitle;
  form.closest('section').hidden = true;
  document.getElementById('codes-shown').hidden = false;
}

function fail(form, answer) {
  const first = form.getAttribute(`data-first-${answer.reason}`);
  form.removeAttribute(`data-first-${answer.reason}`);
  let text = form.getAttribute(`data-on-${answer.reason}`) ?? first ?? answer.message;
  if (answer.retryAfterMs > 120_000 && form.dataset.longWait) text += ` ${form.dataset.longWait}`;
  say(alertRegion, text, 'error');
  alertRegion.focus();
  if (form.dataset.failed) document.getElementById(form.dataset.failed).hidden = false;
}

for (const form of document.querySelectorAll('form[data-api]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(alertRegion, '', 'error');
    say(statusRegion, '', 'info');
    const body = fieldsOf(form);
    const answer = form.dataset.webauthn ? await withCredential(form, body) : await post(form.action, body);
    if (answer === undefined) return location.reload();
    const values = { ...body, ...answer };
    const done = form.dataset.done && fill(form.dataset.done, values, false);
    if (!answer.ok) fail(form, answer);
    else if (answer.backupCodes?.length > 0) showCodes(form, answer.backupCodes);
    else if (form.dataset.next) {
      if (done) sessionStorage.setItem('done', done);
      return location.assign(fill(form.dataset.next, values, true));
    } else if (done) say(statusRegion, done, 'info');
    // No new page: what the end-to-end tests wait for.
    document.body.dataset.answered = '';
  });
}

const done = sessionStorage.getItem('done');
sessionStorage.removeItem('done');
if (done) say(statusRegion, done, 'info');

document.getElementById('copy-codes')?.addEventListener('click', async () => {
  const codes = [...document.querySelectorAll('#backup-codes code')].map((node) => node.textContent);
  const status = document.getElementById('copy-status');
  try {
    await navigator.clipboard.writeText(`${codes.join('\n')}\n`);
    status.textContent = 'Copied.';
  } catch {
    status.textContent = 'Copy failed: select the codes and copy them by hand.';
  }
});
