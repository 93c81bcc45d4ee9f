// Real-world Key URI shapes, each with where it was published and what factorkit makes of it:
// the strict parser's result (`'ok'` or its error code) and the lenient parser's record and
// warning codes (in order). Secrets are the published samples of each source; where a thread
// shows no secret (or a real-looking one), a published sample secret stands in and `note` says so.
// No secret here belongs to a person.
import type { CompleteOtpauthRecord, FactorkitErrorCode, OtpauthWarningCode, SteamGuardRecord } from 'factorkit';

export interface CorpusEntry {
  id: string;
  uri: string;
  /** URL, or repository and path, of the published URI. */
  source: string;
  note?: string;
  strict: 'ok' | FactorkitErrorCode;
  lenient: { record: CompleteOtpauthRecord | SteamGuardRecord; warnings: OtpauthWarningCode[] };
}

const WIKI = 'https://github.com/google/google-authenticator/wiki/Key-Uri-Format';
const S160 = 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ';
const S80 = 'JBSWY3DPEHPK3PXP';
const RFC = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const PI = '7KSQL2JTUDIS5EF65KLMRQIIGY';
const STEAM = '63BEDWCQZKTQWPESARIERL5DTTQFCJTK';

type Extra = Partial<Pick<CompleteOtpauthRecord, 'algorithm' | 'digits' | 'period'>>;

function totp(issuer: string | undefined, account: string, secret: string, extra: Extra = {}): CompleteOtpauthRecord {
  return {
    type: 'totp',
    account,
    secret,
    algorithm: extra.algorithm ?? 'SHA1',
    digits: extra.digits ?? 6,
    ...(issuer === undefined ? {} : { issuer }),
    period: extra.period ?? 30,
  };
}

function hotp(issuer: string | undefined, account: string, secret: string, counter: number, extra: Extra = {}) {
  const record: CompleteOtpauthRecord = {
    type: 'hotp',
    account,
    secret,
    algorithm: extra.algorithm ?? 'SHA1',
    digits: extra.digits ?? 6,
    ...(issuer === undefined ? {} : { issuer }),
    counter,
  };
  return record;
}

function steam(issuer: string | undefined, account: string, secret: string): SteamGuardRecord {
  return { type: 'steam', account, secret, ...(issuer === undefined ? {} : { issuer }) };
}

export const URI_CORPUS: readonly CorpusEntry[] = [
  // --- The Key-Uri-Format itself
  {
    id: 'key-uri-format: Example',
    uri: `otpauth://totp/Example:alice@google.com?secret=${S80}&issuer=Example`,
    source: WIKI,
    strict: 'ok',
    lenient: { record: totp('Example', 'alice@google.com', S80), warnings: ['WEAK_SECRET'] },
  },
  {
    id: 'key-uri-format: ACME Co, every parameter',
    uri: `otpauth://totp/ACME%20Co:john.doe@email.com?secret=${S160}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`,
    source: WIKI,
    strict: 'ok',
    lenient: { record: totp('ACME Co', 'john.doe@email.com', S160), warnings: [] },
  },
  {
    id: 'key-uri-format: encoded colon and spaces before the account',
    uri: `otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=${S160}&issuer=Big%20Corporation`,
    source: WIKI,
    note: 'the wiki gives the label and the issuer value; the sample secret is its ACME one',
    strict: 'ok',
    lenient: { record: totp('Big Corporation', 'alice@bigco.com', S160), warnings: [] },
  },
  {
    id: 'key-uri-format: Provider1, encoded space in the account',
    uri: `otpauth://totp/Provider1:Alice%20Smith?secret=${S160}&issuer=Provider1`,
    source: WIKI,
    strict: 'ok',
    lenient: { record: totp('Provider1', 'Alice Smith', S160), warnings: [] },
  },

  // --- Google Authenticator's own parser
  {
    id: 'google-authenticator-android: hotp without counter',
    uri: `otpauth://hotp/user@example.com?secret=${S160}`,
    source:
      'google/google-authenticator-android, java/com/google/android/apps/authenticator/AuthenticatorActivity.java (parseSecret: counter defaults to AccountDb.DEFAULT_HOTP_COUNTER, 0)',
    strict: 'URI_MISSING_COUNTER',
    lenient: { record: hotp(undefined, 'user@example.com', S160, 0), warnings: ['MISSING_COUNTER', 'MISSING_ISSUER'] },
  },
  {
    id: 'google-authenticator-android: seventeen 7s decode as sixteen',
    uri: 'otpauth://totp/user@example.com?secret=77777777777777777',
    source:
      'google/google-authenticator-android, java/com/google/android/apps/authenticator/util/Base32String.java (class comment and decodeInternal: leftover bits ignored)',
    strict: 'URI_INVALID_SECRET',
    lenient: {
      record: totp(undefined, 'user@example.com', '7777777777777777'),
      warnings: ['SECRET_BAD_LENGTH', 'MISSING_ISSUER', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'google-authenticator-android: any run of = stripped',
    uri: `otpauth://totp/user@example.com?secret=${S160}%3D%3D%3D`,
    source:
      'google/google-authenticator-android, java/com/google/android/apps/authenticator/util/Base32String.java (decodeInternal: replaceFirst("[=]*$", ""))',
    strict: 'URI_INVALID_SECRET',
    lenient: {
      record: totp(undefined, 'user@example.com', S160),
      warnings: ['SECRET_BAD_PADDING', 'MISSING_ISSUER', 'SECRET_NOT_CANONICAL'],
    },
  },

  // --- Other libraries' tests
  {
    id: 'pquerna/otp: Google account, %3A and a lower-case secret',
    uri: 'otpauth://totp/Google%3Afoo%40example.com?secret=qlt6vmy6svfx4bt4rpmisaiyol6hihca&issuer=Google',
    source: 'pquerna/otp, totp/totp_test.go (TestGoogleLowerCaseSecret)',
    strict: 'ok',
    lenient: {
      record: totp('Google', 'foo@example.com', 'QLT6VMY6SVFX4BT4RPMISAIYOL6HIHCA'),
      warnings: ['SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'pquerna/otp: no issuer, trailing newline',
    uri: `otpauth://totp/alice@google.com?secret=${S80}\n`,
    source: 'pquerna/otp, otp_test.go (TestKeyNoIssuer, TestKeyWithNewLine)',
    strict: 'ok',
    lenient: { record: totp(undefined, 'alice@google.com', S80), warnings: ['MISSING_ISSUER', 'WEAK_SECRET'] },
  },
  {
    id: 'otplib: GitHub',
    uri: `otpauth://totp/GitHub:user@example.com?secret=${S80}&issuer=GitHub`,
    source: '@otplib/uri 13, README.md',
    strict: 'ok',
    lenient: { record: totp('GitHub', 'user@example.com', S80), warnings: ['WEAK_SECRET'] },
  },
  {
    id: '1password export: Amazon Web Services',
    uri: `otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456?secret=${S160}&issuer=Amazon%20Web%20Services`,
    source: 'skaji/1password-otp, README.md',
    note: 'secret replaced by a sample',
    strict: 'ok',
    lenient: { record: totp('Amazon Web Services', 'root-account-mfa-device@123456', S160), warnings: [] },
  },

  // --- Vendors' documentation
  {
    id: 'IIJ SmartKey URI format',
    uri: 'otpauth://totp/IIJ:iij-taro@example.com?secret=GUYZ7YBZ74QUWUJB4HCLVVLGG3M3W5FZ&issuer=IIJ',
    source: 'http://www1.auth.iij.jp/smartkey/en/uri_v1.html',
    strict: 'ok',
    lenient: { record: totp('IIJ', 'iij-taro@example.com', 'GUYZ7YBZ74QUWUJB4HCLVVLGG3M3W5FZ'), warnings: [] },
  },
  {
    id: 'Raspberry Pi blog: issuer only as a parameter',
    uri: `otpauth://totp/pi@raspberrypi?secret=${PI}&issuer=raspberrypi`,
    source:
      'https://www.raspberrypi.org/blog/setting-up-two-factor-authentication-on-your-raspberry-pi/ (quoted in scito/extract_otp_secrets, example_export.txt)',
    strict: 'ok',
    lenient: { record: totp('raspberrypi', 'pi@raspberrypi', PI), warnings: ['ISSUER_ONLY_IN_PARAMETER'] },
  },
  {
    id: '2FAS check-token sample',
    uri: 'otpauth://totp/Test%20Token?secret=2FASTEST&issuer=2FAS',
    source: 'https://2fas.com/check-token/ (quoted in VPKSoft/gauth-decode, README.md)',
    strict: 'ok',
    lenient: { record: totp('2FAS', 'Test Token', '2FASTEST'), warnings: ['WEAK_SECRET', 'ISSUER_ONLY_IN_PARAMETER'] },
  },
  {
    id: "Apple's guidance: service name in the label, domain in the parameter",
    uri: 'otpauth://totp/Example:username?secret=key&issuer=example.com',
    source:
      'https://developer.apple.com/documentation/authenticationservices/securing-logins-with-icloud-keychain-verification-codes (example as quoted at https://otpauth.dev and mastodon.social/@andrewe)',
    note: 'the placeholder secret "key" is kept: three characters, a length no encoder writes',
    strict: 'URI_INVALID_SECRET',
    lenient: {
      record: totp('example.com', 'Example:username', 'KE'),
      warnings: ['ISSUER_MISMATCH', 'SECRET_BAD_LENGTH', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },

  // --- Issue threads: what services emit
  {
    id: 'Microsoft 365: organisation in the form-encoded label, Microsoft as issuer',
    uri: 'otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft',
    source: 'https://github.com/Spomky-Labs/otphp/issues/242',
    strict: 'URI_ISSUER_MISMATCH',
    lenient: {
      record: totp('Microsoft', 'Some Company:me@somecompany.net', 'ABCDEFGHIJKLMNOP'),
      warnings: ['LABEL_PLUS_AS_SPACE', 'ISSUER_MISMATCH', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'Microsoft external account: other issuer in the label, 60 s, secret ABC',
    uri: 'otpauth://totp/Issuer1:foo@bar.com?algorithm=SHA1&digits=6&issuer=Microsoft&period=60&secret=ABC',
    source: 'https://github.com/constantoine/totp-rs/issues/52',
    strict: 'URI_INVALID_SECRET',
    lenient: {
      record: totp('Microsoft', 'Issuer1:foo@bar.com', 'AA', { period: 60 }),
      warnings: ['ISSUER_MISMATCH', 'SECRET_BAD_LENGTH', 'PERIOD_NOT_30', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'Slack: workspace in the label prefix, Slack as issuer',
    uri: `otpauth://totp/Slack%20(Name%20Company%20Wonderfoul):guest@mailer.com?secret=${S80}&issuer=Slack`,
    source: 'https://github.com/hectorm/otpauth/issues/25',
    note: 'the thread quotes the label; its "uriLabel[0].split(" ")[0]" workaround shows issuer=Slack; sample secret',
    strict: 'URI_ISSUER_MISMATCH',
    lenient: {
      record: totp('Slack', 'Slack (Name Company Wonderfoul):guest@mailer.com', S80),
      warnings: ['ISSUER_MISMATCH', 'WEAK_SECRET'],
    },
  },
  {
    id: 'Ente Auth export of an Authy account: raw space after the colon',
    uri: `otpauth://totp/Cloudflare: user@example.com?secret=${S80}&digits=6&period=30&issuer=Cloudflare`,
    source: 'https://github.com/pyauth/pyotp/issues/171',
    note: 'the thread masks the secret (and loses an &); sample secret',
    strict: 'ok',
    lenient: { record: totp('Cloudflare', 'user@example.com', S80), warnings: ['WEAK_SECRET'] },
  },
  {
    id: 'oslo: + for the space in the issuer parameter',
    uri: `otpauth://totp/Capawesome%20Cloud:owner%40capawesome.io?issuer=Capawesome+Cloud&algorithm=SHA1&secret=${S160}&period=30&digits=6`,
    source: 'https://github.com/oslo-project/otp/issues/8',
    note: 'secret elided in the thread; sample secret',
    strict: 'ok',
    lenient: { record: totp('Capawesome Cloud', 'owner@capawesome.io', S160), warnings: [] },
  },
  {
    id: 'Stratum: issuer only as a form-encoded parameter, four-character secret',
    uri: 'otpauth://totp/My%20TOTP%20Code?secret=blah&issuer=My+TOTP+Code',
    source: 'https://github.com/stratumauth/app/issues/271',
    strict: 'ok',
    lenient: {
      record: totp('My TOTP Code', 'My TOTP Code', 'BLAA'),
      warnings: ['WEAK_SECRET', 'ISSUER_ONLY_IN_PARAMETER', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'cotp: lower-case %3a separator',
    uri: `otpauth://totp/foo%3abar?issuer=foo&secret=${S80}`,
    source: 'https://github.com/replydev/cotp/issues/548',
    strict: 'ok',
    lenient: { record: totp('foo', 'bar', S80), warnings: ['WEAK_SECRET'] },
  },
  {
    id: 'QRCoder: raw space in the label, lower-case secret',
    uri: 'otpauth://totp/Google Google:test@google.com?secret=pwq65q55&issuer=Google%20Google',
    source: 'https://github.com/Shane32/QRCoder/pull/391',
    strict: 'ok',
    lenient: {
      record: totp('Google Google', 'test@google.com', 'PWQ65Q55'),
      warnings: ['WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'Aegis export: an issuer holding a colon',
    uri: `otpauth://totp/Test%3A%20Foo%3AUser?period=30&digits=6&algorithm=SHA1&secret=${S160}&issuer=Test%3A%20Foo`,
    source: 'https://github.com/beemdevelopment/Aegis/issues/1701',
    note: 'the issue gives the label and issuer; sample secret',
    strict: 'URI_MALFORMED',
    lenient: { record: totp('Test: Foo', 'User', S160), warnings: ['COLON_IN_ISSUER'] },
  },
  {
    id: 'bitcointrade: no issuer, ten-character secret',
    uri: 'otpauth://totp/BestService?algorithm=SHA1&digits=6&period=30&secret=HELLOWORLD',
    source: 'https://github.com/Spomky-Labs/otphp/issues/143',
    strict: 'ok',
    lenient: {
      record: totp(undefined, 'BestService', 'HELLOWORLA'),
      warnings: ['MISSING_ISSUER', 'WEAK_SECRET', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'NodeBB 2factor plugin: issuer with + for spaces, no label prefix',
    uri: `otpauth://totp/admin@forum.example.com?issuer=NodeBB+Forum&secret=${S160}&period=30`,
    source: 'https://github.com/NodeBB/nodebb-plugin-2factor/issues/10',
    note: 'the thread shows the code that builds it (userslug@baseUrl, title with + for spaces); sample values',
    strict: 'ok',
    lenient: { record: totp('NodeBB Forum', 'admin@forum.example.com', S160), warnings: ['ISSUER_ONLY_IN_PARAMETER'] },
  },

  // --- pass-otp's tests
  {
    id: 'pass-otp: a second colon (port number) in the account',
    uri: `otpauth://totp/Example:alice@domain.com:443?secret=${S80}&issuer=Example`,
    source: 'tadfisher/pass-otp, test/code.t and test/validate.t ("URI with port number")',
    strict: 'URI_MALFORMED',
    lenient: { record: totp('Example', 'alice@domain.com:443', S80), warnings: ['COLON_IN_ACCOUNT', 'WEAK_SECRET'] },
  },
  {
    id: 'pass-otp: label issuer Example, issuer parameter Foo',
    uri: `otpauth://totp/Example:alice@google.com?secret=${S80}&issuer=Foo`,
    source: 'tadfisher/pass-otp, test/append.t and test/insert.t',
    strict: 'URI_ISSUER_MISMATCH',
    lenient: { record: totp('Foo', 'Example:alice@google.com', S80), warnings: ['ISSUER_MISMATCH', 'WEAK_SECRET'] },
  },
  {
    id: 'pass-otp: hotp with counter',
    uri: `otpauth://hotp/Example:alice@google.com?secret=${S80}&counter=10&issuer=Example`,
    source: 'tadfisher/pass-otp, test/code.t',
    strict: 'ok',
    lenient: { record: hotp('Example', 'alice@google.com', S80, 10), warnings: ['WEAK_SECRET'] },
  },

  // --- KeePassXC's tests
  {
    id: 'KeePassXC: SHA512',
    uri: `otpauth://totp/ACME%20Co:john@example.com?secret=${S160}&issuer=ACME%20Co&algorithm=SHA512&digits=6&period=30`,
    source: 'keepassxreboot/keepassxc, tests/TestTotp.cpp (testParseSecret)',
    strict: 'ok',
    lenient: {
      record: totp('ACME Co', 'john@example.com', S160, { algorithm: 'SHA512' }),
      warnings: ['ALGORITHM_NOT_SHA1'],
    },
  },
  {
    id: 'KeePassXC: encoder=steam',
    uri: `otpauth://totp/test:test@example.com?secret=${STEAM}&issuer=Valve&algorithm=SHA1&digits=5&period=30&encoder=steam`,
    source: 'keepassxreboot/keepassxc, tests/TestTotp.cpp (testSteamTotp)',
    strict: 'URI_INVALID_TYPE',
    lenient: { record: steam('Valve', 'test:test@example.com', STEAM), warnings: ['STEAM_GUARD', 'ISSUER_MISMATCH'] },
  },

  // --- FreeOTP's tests and parser
  {
    id: 'FreeOTP: GitLab, 56-character lower-case secret',
    uri: 'otpauth://totp/gitlab.com:test@redhat.com?secret=nnzl34nyp6ylf5ic43zp5eti2ccgcxuu7ogqflrdzgod7lxo3w4urubx&issuer=gitlab.com',
    source: 'freeotp/freeotp-android, mobile/src/androidTest/java/org/fedorahosted/freeotp/TokenPersistenceTest.java',
    strict: 'ok',
    lenient: {
      record: totp('gitlab.com', 'test@redhat.com', 'NNZL34NYP6YLF5IC43ZP5ETI2CCGCXUU7OGQFLRDZGOD7LXO3W4URUBX'),
      warnings: ['SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'FreeOTP: Red Hat hotp token, issuer only as a parameter',
    uri: `otpauth://hotp/OATH38714F5A?secret=${RFC}&counter=1&digits=6&issuer=Red%20Hat`,
    source: 'freeotp/freeotp-android, mobile/src/androidTest/java/org/fedorahosted/freeotp/TokenPersistenceTest.java',
    strict: 'ok',
    lenient: { record: hotp('Red Hat', 'OATH38714F5A', RFC, 1), warnings: ['ISSUER_ONLY_IN_PARAMETER'] },
  },
  {
    id: 'FreeOTP: hotp without counter',
    uri: `otpauth://hotp/foo:bar?secret=${RFC}`,
    source:
      'freeotp/freeotp-android, mobile/src/androidTest/java/org/fedorahosted/freeotp/TokenAdapterTest.java (Token.java: counter defaults to 0)',
    strict: 'URI_MISSING_COUNTER',
    lenient: { record: hotp('foo', 'bar', RFC, 0), warnings: ['MISSING_COUNTER', 'ISSUER_ONLY_IN_LABEL'] },
  },
  {
    id: 'FreeOTP: hotp with SHA256 and an irrelevant period',
    uri: 'otpauth://hotp/test1?secret=rvtvsq3l3fgt6dbye76o436vln47q3i45yc227yr4t2hmtmp2el6nzfb&algorithm=SHA256&digits=6&period=30&counter=0',
    source: 'freeotp/freeotp-android, mobile/src/androidTest/java/org/fedorahosted/freeotp/TokenPersistenceTest.java',
    strict: 'ok',
    lenient: {
      record: hotp(undefined, 'test1', 'RVTVSQ3L3FGT6DBYE76O436VLN47Q3I45YC227YR4T2HMTMP2EL6NZFB', 0, {
        algorithm: 'SHA256',
      }),
      warnings: ['ALGORITHM_NOT_SHA1', 'MISSING_ISSUER', 'SECRET_NOT_CANONICAL'],
    },
  },
  {
    id: 'FreeOTP: label issuer Steam means Steam Guard characters',
    uri: 'otpauth://totp/Steam:bar?secret=GAYTEMZUGU3DOOBZGAYTEMZUGU',
    source:
      'freeotp/freeotp-android, mobile/src/androidTest/java/org/fedorahosted/freeotp/TokenUriInvalidTest.java and mobile/src/main/java/org/fedorahosted/freeotp/Code.java (issuer "Steam": the Steam alphabet)',
    note: "FreeOTP's test adds digits=4 and 7 to see them refused; left out here",
    strict: 'ok',
    lenient: {
      record: steam('Steam', 'bar', 'GAYTEMZUGU3DOOBZGAYTEMZUGU'),
      warnings: ['STEAM_ISSUER', 'ISSUER_ONLY_IN_LABEL'],
    },
  },

  // --- Aegis's exporter and parser
  {
    id: 'Aegis export: otpauth://steam/',
    uri: `otpauth://steam/Steam%3Aalice?period=30&digits=5&algorithm=SHA1&secret=${STEAM}&issuer=Steam`,
    source:
      'beemdevelopment/Aegis, app/src/main/java/com/beemdevelopment/aegis/otp/GoogleAuthInfo.java (getUri: authority "steam")',
    note: 'built as getUri builds it (Android Uri.Builder escapes the colon); sample account and secret',
    strict: 'URI_INVALID_TYPE',
    lenient: { record: steam('Steam', 'alice', STEAM), warnings: ['STEAM_GUARD'] },
  },
  {
    id: 'Aegis export: an entry with an empty name',
    uri: `otpauth://totp/Example%3A?period=30&digits=6&algorithm=SHA1&secret=${S160}&issuer=Example`,
    source:
      'beemdevelopment/Aegis, app/src/main/java/com/beemdevelopment/aegis/otp/GoogleAuthInfo.java (getUri writes issuer:name whatever the name)',
    strict: 'URI_MALFORMED',
    lenient: { record: totp('Example', '', S160), warnings: ['MISSING_ACCOUNT'] },
  },
  {
    id: 'Aegis export: period, digits and algorithm first',
    uri: `otpauth://totp/Example%3Aalice?period=30&digits=6&algorithm=SHA1&secret=${S160}&issuer=Example`,
    source: 'beemdevelopment/Aegis, app/src/main/java/com/beemdevelopment/aegis/otp/GoogleAuthInfo.java (getUri)',
    strict: 'ok',
    lenient: { record: totp('Example', 'alice', S160), warnings: [] },
  },
  {
    id: 'Aegis parser: no label at all',
    uri: `otpauth://totp?secret=${S160}&issuer=Example`,
    source:
      'beemdevelopment/Aegis, app/src/main/java/com/beemdevelopment/aegis/otp/GoogleAuthInfo.java (parseUri: an empty path is an empty label)',
    strict: 'URI_MALFORMED',
    lenient: { record: totp('Example', '', S160), warnings: ['MISSING_ACCOUNT', 'ISSUER_ONLY_IN_PARAMETER'] },
  },

  // --- Steam Guard in other apps
  {
    id: 'Bitwarden: steam://',
    uri: `steam://${STEAM}`,
    source:
      'bitwarden/clients, libs/common/src/services/totp.service.ts (isSteamAuth: "steam://" prefix, 5 characters)',
    strict: 'URI_INVALID_SCHEME',
    lenient: { record: steam('Steam', '', STEAM), warnings: ['STEAM_GUARD', 'MISSING_ACCOUNT'] },
  },
  {
    id: 'Steam Desktop Authenticator maFile: totp URI issued by Steam',
    uri: `otpauth://totp/Steam:your-username?secret=${STEAM}&issuer=Steam`,
    source:
      'iftsv/win11-tips-and-tricks, keepassxc_like_steam_mobile_app_otp.md (the "uri" of a SteamDesktopAuthenticator maFile)',
    note: "the document's placeholder secret holds a 1, which is no base32; the KeePassXC Steam sample stands in",
    strict: 'ok',
    lenient: { record: steam('Steam', 'your-username', STEAM), warnings: ['STEAM_ISSUER'] },
  },

  // --- Google Authenticator exports as extract_otp_secrets prints them
  {
    id: 'extract_otp_secrets: hotp demo',
    uri: `otpauth://hotp/hotp%20demo?secret=${PI}&counter=4`,
    source: 'scito/extract_otp_secrets, example_output.json',
    strict: 'ok',
    lenient: { record: hotp(undefined, 'hotp demo', PI, 4), warnings: ['MISSING_ISSUER'] },
  },
  {
    id: 'extract_otp_secrets: non-ASCII name with a colon',
    uri: `otpauth://totp/encoding%3A%20%C2%BF%C3%A4%C3%84%C3%A9%C3%89%3F%20%28demo%29?secret=${PI}`,
    source: 'scito/extract_otp_secrets, example_output.json',
    strict: 'ok',
    lenient: { record: totp('encoding', '¿äÄéÉ? (demo)', PI), warnings: ['ISSUER_ONLY_IN_LABEL'] },
  },
];
