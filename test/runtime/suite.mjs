// One runtime-independent suite, run against the built package on every runtime of the matrix
// (Node import and require, Bun, Deno, Chromium, workerd). Plain ESM JavaScript with no imports,
// so each runtime can load it as is; the runner hands in the library's namespace.
//
// run(lib) never throws: it returns one { name, ok, error? } per case, so a runtime that fails
// one case still reports all the others.

const ascii = (text) => new TextEncoder().encode(text);

// RFC 4226 Appendix D: secret ASCII "12345678901234567890", HMAC-SHA-1, 6 digits, counts 0..9.
const RFC4226_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC4226_CODES = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
];

// RFC 6238 Appendix B: T0 = 0, X = 30 s, 8 digits, seeds from the Appendix A reference code.
const RFC6238_SECRETS = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};
const RFC6238_TABLE = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

// RFC 4648 §10 base32 test vectors (padding stripped: factorkit encodes without it).
const RFC4648_BASE32 = [
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
];

function assertEqual(actual, expected, what) {
  const a = typeof actual === 'bigint' ? `${actual}n` : JSON.stringify(actual);
  const e = typeof expected === 'bigint' ? `${expected}n` : JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function assertThrowsCode(lib, fn, code, what) {
  try {
    fn();
  } catch (error) {
    if (!lib.isFactorkitError(error, code)) {
      throw new Error(`${what}: expected FactorkitError ${code}, got ${error?.name} ${error?.code}`);
    }
    if (!(error instanceof lib.FactorkitError)) throw new Error(`${what}: not an instance of FactorkitError`);
    return;
  }
  throw new Error(`${what}: expected FactorkitError ${code}, nothing thrown`);
}

function bytesEqual(a, b) {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function cases(lib) {
  const list = [];
  const add = (name, fn) => list.push([name, fn]);

  RFC4226_CODES.forEach((code, count) => {
    add(`RFC 4226 Appendix D count ${count}`, () => {
      assertEqual(lib.generateHotp(RFC4226_SECRET_BASE32, count), code, 'generateHotp');
      assertEqual(
        lib.verifyHotp(code, RFC4226_SECRET_BASE32, count, { lookAhead: 0 }),
        { valid: true, counter: count, delta: 0 },
        'verifyHotp',
      );
    });
  });
  add('HOTP bigint counter and look-ahead', () => {
    assertEqual(lib.generateHotp(RFC4226_SECRET_BASE32, 9n), '520489', 'bigint counter');
    assertEqual(
      lib.verifyHotp('520489', RFC4226_SECRET_BASE32, 5, { lookAhead: 5 }),
      { valid: true, counter: 9, delta: 4 },
      'look-ahead',
    );
    assertEqual(
      lib.verifyHotp('520489', RFC4226_SECRET_BASE32, 5, { lookAhead: 3 }),
      { valid: false, reason: 'invalid' },
      'outside look-ahead',
    );
  });

  for (const [timeSeconds, ...codes] of RFC6238_TABLE) {
    ['SHA1', 'SHA256', 'SHA512'].forEach((algorithm, i) => {
      add(`RFC 6238 Appendix B ${algorithm} T=${timeSeconds}`, () => {
        const options = { algorithm, digits: 8, time: timeSeconds * 1000 };
        const secret = RFC6238_SECRETS[algorithm];
        assertEqual(lib.generateTotp(secret, options), codes[i], 'generateTotp');
        const result = lib.verifyTotp(codes[i], secret, { ...options, window: 0 });
        assertEqual(result.valid, true, 'verifyTotp');
      });
    });
  }

  add('TOTP window, delta and replay guard', () => {
    const secret = RFC4226_SECRET_BASE32;
    const code = lib.generateTotp(secret, { time: 89_000 });
    assertEqual(lib.verifyTotp(code, secret, { time: 59_000 }), { valid: true, step: 2, delta: 1 }, 'one step ahead');
    assertEqual(
      lib.verifyTotp(code, secret, { time: 59_000, window: 0 }),
      { valid: false, reason: 'invalid' },
      'window 0',
    );
    assertEqual(
      lib.verifyTotp(code, secret, { time: 89_000, afterStep: 2 }),
      { valid: false, reason: 'replayed' },
      'replay',
    );
    assertEqual(lib.verifyTotp('12a456', secret, { time: 89_000 }), { valid: false, reason: 'malformed' }, 'malformed');
    assertEqual(lib.totpStep({ time: 59_000 }), 1, 'totpStep');
  });
  add('TOTP defaults to the current time', () => {
    const secret = lib.generateSecret();
    const code = lib.generateTotp(secret);
    assertEqual(lib.verifyTotp(code, secret).valid, true, 'verify now');
  });

  add('base32 RFC 4648 §10 vectors', () => {
    for (const [text, encoded] of RFC4648_BASE32) {
      assertEqual(lib.encodeBase32(ascii(text)), encoded, `encode ${text}`);
      if (!bytesEqual(lib.decodeBase32(encoded), ascii(text))) throw new Error(`decode ${encoded}`);
    }
    if (!bytesEqual(lib.decodeBase32('mzxw 6ytb-oi======'), ascii('foobar'))) throw new Error('lenient decode');
    assertThrowsCode(lib, () => lib.decodeBase32('MZX'), 'INVALID_BASE32', 'impossible length');
  });

  add('secrets from the platform CSPRNG', () => {
    const a = lib.generateSecret();
    const b = lib.generateSecret();
    assertEqual(/^[A-Z2-7]{32}$/.test(a), true, 'default secret shape');
    assertEqual(a === b, false, 'two secrets differ');
    assertEqual(lib.decodeBase32(a).length, 20, 'default 160 bits');
    assertEqual(lib.generateSecretBytes({ bytes: 32 }).length, 32, 'generateSecretBytes');
  });

  add('misuse throws FactorkitError with a stable code', () => {
    assertThrowsCode(lib, () => lib.generateTotp(RFC4226_SECRET_BASE32, { digits: 5 }), 'INVALID_DIGITS', 'digits 5');
    assertThrowsCode(lib, () => lib.generateTotp('GEZDGNBV'), 'WEAK_SECRET', 'weak secret');
    assertThrowsCode(lib, () => lib.generateHotp(RFC4226_SECRET_BASE32, -1), 'INVALID_COUNTER', 'negative counter');
    assertThrowsCode(
      lib,
      () => lib.generateTotp(RFC4226_SECRET_BASE32, { algorithm: 'MD5' }),
      'INVALID_ALGORITHM',
      'MD5',
    );
  });

  // The Key URI functions arrive with issue 3; test them wherever the build exports them.
  if (typeof lib.buildOtpauthUri === 'function' && typeof lib.parseOtpauthUri === 'function') {
    add('otpauth URI build and parse round trip', () => {
      const record = {
        type: 'totp',
        issuer: 'ACME Co',
        account: 'john.doe@email.com',
        secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
        algorithm: 'SHA256',
        digits: 8,
        period: 60,
      };
      const uri = lib.buildOtpauthUri(record);
      assertEqual(uri.startsWith('otpauth://totp/'), true, 'scheme');
      const parsed = lib.parseOtpauthUri(uri);
      for (const key of Object.keys(record)) assertEqual(parsed[key], record[key], `round trip ${key}`);
      assertEqual(lib.buildOtpauthUri(parsed), uri, 'rebuilt URI');
    });
  }

  // Importing accounts (issue 19): lenient Key URIs, Steam Guard, migration URIs, PNG and
  // terminal QR codes, wherever the build exports them.
  if (typeof lib.parseMigrationUri === 'function') {
    add('lenient Key URI: Microsoft 365 shape', () => {
      const { record, warnings } = lib.parseOtpauthUri(
        'otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft',
        { lenient: true },
      );
      assertEqual(record.issuer, 'Microsoft', 'issuer');
      assertEqual(record.account, 'Some Company:me@somecompany.net', 'account');
      assertEqual(
        warnings.map((w) => w.code),
        ['LABEL_PLUS_AS_SPACE', 'ISSUER_MISMATCH', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
        'warnings',
      );
    });
    add('Steam Guard: the code the Steam app showed (KeePassXC TestTotp.cpp)', () => {
      const { record } = lib.parseOtpauthUri('steam://63BEDWCQZKTQWPESARIERL5DTTQFCJTK', { lenient: true });
      assertEqual(record.type, 'steam', 'type');
      assertEqual(lib.generateSteamGuardCode(record.secret, { time: 1511200518000 }), 'FR8RV', 'code');
      assertEqual(
        lib.verifySteamGuardCode('9p3vp', record.secret, { time: 1511200714000 }),
        { valid: true, step: 50373357, delta: 0 },
        'verify',
      );
    });
    add('migration URI: dim13/otpauth example, and build -> parse in batches', () => {
      const parsed = lib.parseMigrationUri(
        'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC',
      );
      assertEqual(parsed.accounts[0].secret, 'JBSWY3DPEHPK3PXP', 'secret');
      assertEqual(parsed.accounts[0].issuer, 'Example', 'issuer');
      const accounts = Array.from({ length: 12 }, (_, i) => ({
        type: 'hotp',
        issuer: 'Zürich',
        account: `user${i}`,
        secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
        counter: i * 1000,
      }));
      const uris = lib.buildMigrationUris(accounts, { batchId: -3 });
      assertEqual(uris.length, 2, 'two batches');
      const back = uris.flatMap((uri) => lib.parseMigrationUri(uri).accounts);
      assertEqual(
        back.map((a) => [a.account, a.counter]),
        accounts.map((a) => [a.account, a.counter]),
        'accounts',
      );
      assertEqual(lib.parseMigrationUri(uris[1]).batch, { size: 2, index: 1, id: -3 }, 'batch');
    });
    add('QR PNG and terminal rendering', () => {
      const uri = 'otpauth://totp/Example:alice?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=Example';
      const png = lib.renderQrPng(uri, { size: 200 });
      assertEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
      assertEqual(new DataView(png.buffer, png.byteOffset + 16, 8).getUint32(0), 200, 'width');
      assertEqual(lib.renderQrPngDataUrl(uri).startsWith('data:image/png;base64,iVBORw0KGgo'), true, 'data URL');
      const lines = lib.renderQrTerminal(uri, { style: 'dark-on-light', margin: 0 }).split('\n');
      const modules = Number(/viewBox="0 0 (\d+)/.exec(lib.renderQrSvg(uri, { margin: 0 }))[1]);
      assertEqual(lines.length, Math.ceil(modules / 2), 'two module rows per line');
      assertEqual([...lines[0]].length, modules, 'one column per module');
      assertEqual(lines[0].startsWith('\u2588\u2580\u2580\u2580\u2580\u2580\u2588 '), true, 'finder pattern');
    });
  }

  if (typeof lib.generateBackupCodes === 'function') {
    // Made by generateBackupCodes before set format 2 (test/support/backup-codes-v1.json, "cheap").
    const V1_SET = {
      version: 1,
      generationId: 'b0WNs1hOsB3omzPkyPsA6g',
      createdAt: 1736942400000,
      kdf: { algorithm: 'scrypt', N: 16, r: 8, p: 1, dkLen: 32 },
      salt: 'pRG-kEZf1AFgNI3MHasscQ',
      codes: [
        { hash: 'WWsKH4iw5uxla5i3aU8syr1RL_bGwsw7XgiVUc8aZsI', usedAt: null },
        { hash: '06JdkN6z0_MqXzuY8EC2-q4SA5QtHISASGrVzgAmypk', usedAt: null },
        { hash: 'RUUhujhH93IwQl_GDFkDlc_AqoSuU7Fe_7z9wYB7UZs', usedAt: null },
      ],
    };
    const cheap = { kdf: { N: 16, r: 8, p: 1 }, allowWeakKdf: true };

    add('backup codes: a version-1 set stored by an earlier version verifies', async () => {
      const set = lib.parseBackupCodeSet(JSON.stringify(V1_SET));
      assertEqual(await lib.verifyBackupCode('gv64a vjdmx f4sja', set), { valid: true, index: 1 }, 'v1 code');
      assertEqual(await lib.verifyBackupCode('22222-22222-22222', set), { valid: false, reason: 'invalid' }, 'wrong');
    });

    add('backup codes: default parameters, bound to their context', async () => {
      const { codes, set } = await lib.generateBackupCodes({ context: 'user-1', count: 2 });
      assertEqual(set.version, 3, 'version');
      assertEqual(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/.test(codes[1]), true, 'code shape');
      assertEqual(await lib.verifyBackupCode(codes[1], set, { context: 'user-1' }), { valid: true, index: 1 }, 'own');
      const typed = codes[1].toLowerCase().replaceAll('-', ' ');
      assertEqual(await lib.verifyBackupCode(typed, set, { context: 'user-1' }), { valid: true, index: 1 }, 'typed');
      const other = await lib.verifyBackupCode(codes[1], set, { context: 'user-2' });
      assertEqual(other, { valid: false, reason: 'invalid' }, 'copied to another user');
      const used = lib.consumeBackupCode(set, 1, 1);
      assertEqual(
        await lib.verifyBackupCode(codes[1], used, { context: 'user-1' }),
        { valid: false, reason: 'used' },
        'used',
      );
    });

    add('backup codes: the native and the portable scrypt give the same digests', async () => {
      // Node 20.16+, Bun and Deno have node:crypto through process.getBuiltinModule; browsers and workerd do not.
      const hasNative = typeof globalThis.process?.getBuiltinModule === 'function';
      assertEqual(lib.defaultScryptImplementation(), hasNative ? 'native' : 'portable', 'auto');
      if (!hasNative) {
        let error;
        try {
          await lib.generateBackupCodes({ ...cheap, scrypt: 'native' });
        } catch (caught) {
          error = caught;
        }
        assertEqual(lib.isFactorkitError(error, 'INVALID_ARGUMENT'), true, "'native' refused");
        return;
      }
      for (const [made, checked] of [
        ['native', 'portable'],
        ['portable', 'native'],
      ]) {
        const { codes, set } = await lib.generateBackupCodes({ ...cheap, context: 'ü-1', count: 3, scrypt: made });
        for (const [index, code] of codes.entries()) {
          const result = await lib.verifyBackupCode(code, set, { context: 'ü-1', scrypt: checked });
          assertEqual(result, { valid: true, index }, `made ${made}, checked ${checked}`);
        }
      }
    });
  }
  addMessageCases(add, lib.messages);
  return list;
}

/**
 * factorkit/messages (handed in as `lib.messages`): its plural forms and locale fallback come
 * from the runtime's own Intl (ICU data), which differs between runtimes and builds.
 */
function addMessageCases(add, messages) {
  add('messages: Russian waits through Intl.PluralRules (1, 2, 5, 21, 22, 25, 11, 12)', () => {
    const waits = [1, 2, 5, 21, 22, 25, 11, 12].map((n) => messages.formatWait(n * 60_000, { locale: 'ru' }));
    const forms = ['минуту', 'минуты', 'минут', 'минуту', 'минуты', 'минут', 'минут', 'минут'];
    assertEqual(
      waits,
      [1, 2, 5, 21, 22, 25, 11, 12].map((n, i) => `${n} ${forms[i]}`),
      'ru minutes',
    );
  });
  add('messages: every locale, de-AT read as de, unknown as English', () => {
    assertEqual(messages.LOCALES, ['en', 'de', 'fr', 'es', 'ru'], 'LOCALES');
    const locked = { ok: false, reason: 'locked', retryAfterMs: 1000 };
    assertEqual(messages.message(locked), 'Too many wrong codes. Wait 1 second, then try again.', 'en');
    assertEqual(
      messages.message(locked, { locale: 'de-AT' }),
      'Zu viele falsche Codes. Warten Sie 1 Sekunde und versuchen Sie es dann erneut.',
      'de-AT',
    );
    assertEqual(messages.message(locked, { locale: 'xx-YY' }), messages.message(locked), 'unknown locale');
  });
}

/**
 * Runs every case against `lib` (the package namespace as this runtime loads it).
 * @returns {Promise<Array<{ name: string, ok: boolean, error?: string }>>}
 */
export async function run(lib) {
  const results = [];
  for (const [name, fn] of cases(lib)) {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ? error.stack : error) });
    }
  }
  return results;
}

/** The marker runners print before the JSON results, so stray runtime output cannot confuse the parser. */
export const RESULT_MARKER = 'FACTORKIT_RUNTIME_RESULTS ';
