// Every argument and option of every core function, fed the shared bad values: each must be
// refused with a FactorkitError carrying the right `code`, and no message may reveal the secret.
import { describe, expect, it } from 'vitest';
import {
  FactorkitError,
  decodeBase32,
  encodeBase32,
  generateHotp,
  generateSecret,
  generateSecretBytes,
  generateTotp,
  isFactorkitError,
  totpStep,
  verifyHotp,
  verifyTotp,
  type FactorkitErrorCode,
} from 'factorkit';
import { BAD_VALUES, OBJECT_LIKE, badValuesExcept, type BadValue } from '../support/bad-values.js';

// A realistic 160-bit secret; its text must never show up in an error message.
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SECRET_BYTES = decodeBase32(SECRET);
const TIME = 1_700_000_000_000;

type Loose = (...args: unknown[]) => unknown;
const loose = (fn: unknown): Loose => fn as Loose;

/** Every message in the error's cause chain. */
function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message);
  return out;
}

/** Asserts `call` throws a FactorkitError with `code` whose messages contain none of `secrets`. */
function expectError(call: () => unknown, code: FactorkitErrorCode, secrets: readonly string[] = [SECRET]): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a throw').toBeInstanceOf(FactorkitError);
  expect(isFactorkitError(thrown, code)).toBe(true);
  expect((thrown as FactorkitError).code).toBe(code);
  for (const message of messages(thrown)) {
    expect(message.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(message).not.toContain(secret);
      expect(message.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  }
}

interface ArgumentCase {
  /** function and argument, for the test name */
  name: string;
  call: (value: unknown) => unknown;
  values: readonly BadValue[];
  code: FactorkitErrorCode;
}

const OPTIONS_BAD = badValuesExcept('undefined', ...OBJECT_LIKE);
const allowUndefined = badValuesExcept('undefined');
const extra = (...entries: Array<[string, unknown]>): BadValue[] => entries.map(([label, value]) => ({ label, value }));

// Options shared by the HOTP and TOTP functions, as [option, bad values, code].
const OTP_OPTION_CASES: Array<[string, readonly BadValue[], FactorkitErrorCode]> = [
  [
    'algorithm',
    [...allowUndefined, ...extra(['sha1', 'sha1'], ['SHA-1', 'SHA-1'], ['MD5', 'MD5'], ['SHA384', 'SHA384'])],
    'INVALID_ALGORITHM',
  ],
  [
    'digits',
    [...allowUndefined, ...extra(['5', 5], ['11', 11], ['6.5', 6.5], ["'6'", '6'], ['6n', 6n], ['-6', -6])],
    'INVALID_DIGITS',
  ],
  ['allowWeakSecret', badValuesExcept('undefined', 'true', 'false'), 'INVALID_ARGUMENT'],
];

const TIME_OPTION_CASES: Array<[string, readonly BadValue[], FactorkitErrorCode]> = [
  ['time', badValuesExcept('undefined', '0', '1.5', '2^53'), 'INVALID_TIME'],
  ['epoch', badValuesExcept('undefined', '0', '1.5'), 'INVALID_TIME'],
  ['period', [...allowUndefined, ...extra(["'30'", '30'])], 'INVALID_PERIOD'],
];

const SECRET_CASES: Array<[BadValue, FactorkitErrorCode]> = [
  ...badValuesExcept("''", "'1'", "'SHA1 '").map((v): [BadValue, FactorkitErrorCode] => [v, 'INVALID_SECRET']),
  [{ label: "''", value: '' }, 'INVALID_SECRET'],
  [{ label: "'1'", value: '1' }, 'INVALID_SECRET'],
  [{ label: "'SHA1 '", value: 'SHA1 ' }, 'INVALID_SECRET'],
  [{ label: 'empty Uint8Array', value: new Uint8Array(0) }, 'INVALID_SECRET'],
  [{ label: 'secret with one bad character', value: `${SECRET.slice(0, 10)}!${SECRET.slice(11)}` }, 'INVALID_SECRET'],
  [{ label: 'secret with an impossible length', value: `${SECRET}M` }, 'INVALID_SECRET'],
  [{ label: '80-bit base32 secret', value: SECRET.slice(0, 16) }, 'WEAK_SECRET'],
  [{ label: '120-bit Uint8Array', value: new Uint8Array(15).fill(7) }, 'WEAK_SECRET'],
];

function otpOptionCases(name: string, callWith: (options: unknown) => unknown): ArgumentCase[] {
  return [
    { name: `${name} options`, call: callWith, values: OPTIONS_BAD, code: 'INVALID_ARGUMENT' },
    ...OTP_OPTION_CASES.map(([option, values, code]) => ({
      name: `${name} options.${option}`,
      call: (value: unknown) => callWith({ [option]: value }),
      values,
      code,
    })),
  ];
}

function secretCases(name: string, callWith: (secret: unknown) => unknown): ArgumentCase[] {
  return SECRET_CASES.map(([value, code]) => ({ name: `${name} secret`, call: callWith, values: [value], code }));
}

const COUNTER_BAD = [...badValuesExcept('0', '100n'), ...extra(['2n ** 64n', 2n ** 64n])];

const WINDOW_BAD = [
  ...badValuesExcept('undefined', '0'),
  ...extra(
    ['11', 11],
    ['[11, 0]', [11, 0]],
    ['[0, 11]', [0, 11]],
    ['[-1, 1]', [-1, 1]],
    ['[1.5, 1]', [1.5, 1]],
    ['[1, null]', [1, null]],
  ),
];

const CASES: ArgumentCase[] = [
  // generateSecret / generateSecretBytes
  ...[generateSecret, generateSecretBytes].flatMap((fn): ArgumentCase[] => [
    { name: `${fn.name} options`, call: (v) => loose(fn)(v), values: OPTIONS_BAD, code: 'INVALID_ARGUMENT' },
    {
      name: `${fn.name} options.bytes`,
      call: (v) => loose(fn)({ bytes: v }),
      values: [...allowUndefined, ...extra(['15', 15], ['65', 65], ['20.5', 20.5], ["'20'", '20'], ['20n', 20n])],
      code: 'INVALID_ARGUMENT',
    },
  ]),
  // base32
  {
    name: 'encodeBase32 bytes',
    call: (v) => loose(encodeBase32)(v),
    values: [...BAD_VALUES, ...extra(['Array of bytes', [0x66, 0x6f]], ["'foo'", 'foo'])],
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'decodeBase32 text (not a string)',
    call: (v) => loose(decodeBase32)(v),
    values: BAD_VALUES.filter((v) => typeof v.value !== 'string'),
    code: 'INVALID_ARGUMENT',
  },
  // generateHotp
  ...secretCases('generateHotp', (v) => loose(generateHotp)(v, 0)),
  {
    name: 'generateHotp counter',
    call: (v) => loose(generateHotp)(SECRET, v),
    values: COUNTER_BAD,
    code: 'INVALID_COUNTER',
  },
  ...otpOptionCases('generateHotp', (o) => loose(generateHotp)(SECRET, 0, o)),
  // verifyHotp
  ...secretCases('verifyHotp', (v) => loose(verifyHotp)('123456', v, 0)),
  {
    name: 'verifyHotp counter',
    call: (v) => loose(verifyHotp)('123456', SECRET, v),
    values: COUNTER_BAD,
    code: 'INVALID_COUNTER',
  },
  ...otpOptionCases('verifyHotp', (o) => loose(verifyHotp)('123456', SECRET, 0, o)),
  {
    name: 'verifyHotp options.lookAhead',
    call: (v) => loose(verifyHotp)('123456', SECRET, 0, { lookAhead: v }),
    values: [...badValuesExcept('undefined', '0'), ...extra(['101', 101], ["'5'", '5'])],
    code: 'INVALID_WINDOW',
  },
  // generateTotp
  ...secretCases('generateTotp', (v) => loose(generateTotp)(v, { time: TIME })),
  ...otpOptionCases('generateTotp', (o) => loose(generateTotp)(SECRET, o)),
  ...TIME_OPTION_CASES.map(
    ([option, values, code]): ArgumentCase => ({
      name: `generateTotp options.${option}`,
      call: (v) => loose(generateTotp)(SECRET, { time: TIME, [option]: v }),
      values,
      code,
    }),
  ),
  // verifyTotp
  ...secretCases('verifyTotp', (v) => loose(verifyTotp)('123456', v, { time: TIME })),
  ...otpOptionCases('verifyTotp', (o) => loose(verifyTotp)('123456', SECRET, o)),
  ...TIME_OPTION_CASES.map(
    ([option, values, code]): ArgumentCase => ({
      name: `verifyTotp options.${option}`,
      call: (v) => loose(verifyTotp)('123456', SECRET, { time: TIME, [option]: v }),
      values,
      code,
    }),
  ),
  {
    name: 'verifyTotp options.window',
    call: (v) => loose(verifyTotp)('123456', SECRET, { time: TIME, window: v }),
    values: WINDOW_BAD,
    code: 'INVALID_WINDOW',
  },
  {
    name: 'verifyTotp options.afterStep',
    call: (v) => loose(verifyTotp)('123456', SECRET, { time: TIME, afterStep: v }),
    values: badValuesExcept('undefined', '0', '-1'),
    code: 'INVALID_ARGUMENT',
  },
  // totpStep
  { name: 'totpStep options', call: (v) => loose(totpStep)(v), values: OPTIONS_BAD, code: 'INVALID_ARGUMENT' },
  ...TIME_OPTION_CASES.map(
    ([option, values, code]): ArgumentCase => ({
      name: `totpStep options.${option}`,
      call: (v) => loose(totpStep)({ time: TIME, [option]: v }),
      values,
      code,
    }),
  ),
];

describe('every argument refuses the shared bad values with a typed error', () => {
  for (const testCase of CASES) {
    for (const { label, value } of testCase.values) {
      it(`${testCase.name} = ${label} -> ${testCase.code}`, () => {
        const secretText = typeof value === 'string' && value.length >= 8 ? [SECRET, value] : [SECRET];
        expectError(() => testCase.call(value), testCase.code, secretText);
      });
    }
  }
});

describe('the values filtered out of each table really are accepted', () => {
  // Guards the tables above: a label wrongly listed as valid would silently shrink coverage.
  it('accepts the valid edge values', () => {
    expect(generateSecret({ bytes: 16 })).toHaveLength(26);
    expect(generateSecretBytes({ bytes: 64 })).toHaveLength(64);
    expect(generateHotp(SECRET, 100n)).toMatch(/^\d{6}$/);
    expect(generateHotp(SECRET, 0, {})).toMatch(/^\d{6}$/);
    expect(generateHotp(SECRET_BYTES.subarray(0, 10), 0, { allowWeakSecret: true })).toMatch(/^\d{6}$/);
    expect(generateTotp(SECRET, { time: 0, epoch: 0 })).toMatch(/^\d{6}$/);
    expect(generateTotp(SECRET, { time: 1.5, epoch: 1.5 })).toMatch(/^\d{6}$/);
    expect(generateTotp(SECRET, { time: TIME, period: 2 ** 53 - 1 })).toBe(generateTotp(SECRET, { time: 0 }));
    expect(totpStep({ time: 2 ** 53 })).toBe(Math.floor(2 ** 53 / 30_000));
    expect(() => verifyTotp('123456', SECRET, { time: TIME, window: 0, afterStep: -1 })).not.toThrow();
    expect(() => verifyTotp('123456', SECRET, { time: TIME, window: [10, 10], afterStep: 0 })).not.toThrow();
    expect(() => verifyTotp('123456', SECRET, { time: TIME, window: 10 })).not.toThrow();
    expect(() => verifyHotp('123456', SECRET, 0, { lookAhead: 0 })).not.toThrow();
    expect(() => verifyHotp('123456', SECRET, 100n, { lookAhead: 100 })).not.toThrow();
  });
});

describe('issue 2 specifics', () => {
  it('digits must be 6..10', () => {
    for (const digits of [6, 7, 8, 9, 10]) {
      expect(generateTotp(SECRET, { time: TIME, digits })).toMatch(new RegExp(`^\\d{${digits}}$`));
    }
    expectError(() => generateTotp(SECRET, { digits: 5 }), 'INVALID_DIGITS');
    expectError(() => generateTotp(SECRET, { digits: 11 }), 'INVALID_DIGITS');
  });

  it('period 0, non-finite or negative time, time before epoch, time too far for a step', () => {
    expectError(() => generateTotp(SECRET, { period: 0 }), 'INVALID_PERIOD');
    expectError(() => generateTotp(SECRET, { time: Number.POSITIVE_INFINITY }), 'INVALID_TIME');
    expectError(() => generateTotp(SECRET, { time: -1 }), 'INVALID_TIME');
    expectError(() => generateTotp(SECRET, { time: 1_000, epoch: 2_000 }), 'INVALID_TIME');
    expectError(() => generateTotp(SECRET, { time: Number.MAX_VALUE }), 'INVALID_TIME');
  });

  it("window '1' as a string, window 11, window [1] are misuse", () => {
    for (const window of ['1', 11, [1], [1, 2, 3], -1, Number.NaN]) {
      expectError(() => verifyTotp('123456', SECRET, { time: TIME, window: window as never }), 'INVALID_WINDOW');
    }
  });

  it('caller misuse throws even when the code is also malformed', () => {
    expectError(() => verifyTotp('nope', SECRET, { digits: 5 }), 'INVALID_DIGITS');
    expectError(() => verifyHotp('nope', 'M', 0), 'INVALID_SECRET');
  });

  it('an error from a bad secret carries its cause', () => {
    try {
      generateTotp('MZX', { time: TIME });
      expect.unreachable();
    } catch (error) {
      expect(isFactorkitError(error, 'INVALID_SECRET')).toBe(true);
      expect(isFactorkitError((error as Error).cause, 'INVALID_BASE32')).toBe(true);
    }
  });

  it('an error with nothing underneath has no cause key at all', () => {
    try {
      generateTotp(SECRET, { digits: 5 });
      expect.unreachable();
    } catch (error) {
      expect(isFactorkitError(error, 'INVALID_DIGITS')).toBe(true);
      expect(Object.hasOwn(error as Error, 'cause')).toBe(false);
    }
  });
});

describe('decodeBase32', () => {
  // RFC 4648 §10 test vectors.
  const RFC4648: Array<[string, string]> = [
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];
  const utf8 = (text: string) => new TextEncoder().encode(text);

  for (const [plain, encoded] of RFC4648) {
    it(`accepts ${encoded} padded, unpadded, lower case and grouped`, () => {
      const unpadded = encoded.replace(/=+$/, '');
      expect(encodeBase32(utf8(plain))).toBe(unpadded);
      for (const variant of [
        encoded,
        unpadded,
        encoded.toLowerCase(),
        unpadded.toLowerCase(),
        unpadded.replace(/(.{2})/g, '$1 '),
        unpadded.replace(/(.{2})/g, '$1-'),
        ` ${encoded} `,
        `${unpadded.slice(0, 1)}\t${unpadded.slice(1)}\n`,
      ]) {
        expect(decodeBase32(variant)).toEqual(utf8(plain));
      }
    });
  }

  it('accepts a secret typed the way people type it', () => {
    expect(decodeBase32('jbsw y3dp ehpk 3pxp jbsw-y3dp-ehpk-3pxp')).toEqual(SECRET_BYTES);
  });

  const REFUSED: Array<[string, string]> = [
    ['empty input', ''],
    ['only spaces', '   '],
    ['only dashes', '--'],
    ['only padding', '========'],
    ["'M' (impossible length 1)", 'M'],
    ["'MZX' (impossible length 3)", 'MZX'],
    ['impossible length 6', 'MZXW6Y'],
    ['impossible length 9', 'MZXW6YTBO'],
    ['excess padding after a full block', 'MZXW6YTB='],
    ['one = too many', 'MZXW6===='],
    ['one = too few', 'MY====='],
    ['padding in the middle', 'MY======MY'],
    ['padding then spaces then data', 'MZXW6=== MY'],
    ['digit 0', 'MZXW60=='],
    ['digit 1', 'MZ1W6==='],
    ['digit 8', 'MZXW8==='],
    ['digit 9', 'MZ9W6==='],
    ['base64 characters', 'MZ+W/==='],
    ['underscore', 'MZ_W6==='],
    ['accented letter', 'MZÉW6==='],
    ["long s 'ſ' (upper-cases to S)", 'MZXſ6YTB'],
    ["dotless 'ı' (upper-cases to I)", 'MZXıW6YT'],
    ['full-width letters', 'ＭＺＸＷ６'],
    ['no-break space', 'MZXW\u00a06YTB'],
    ['ideographic space', 'MZXW\u30006YTB'],
    ['zero-width space', 'MZXW\u200b6YTB'],
  ];
  for (const [what, text] of REFUSED) {
    it(`refuses ${what}`, () => {
      expectError(() => decodeBase32(text), 'INVALID_BASE32', text.length >= 8 ? [text] : []);
    });
  }

  it('messages never contain the text being decoded', () => {
    const typo = `${SECRET.slice(0, 20)}8${SECRET.slice(21)}`;
    expectError(() => decodeBase32(typo), 'INVALID_BASE32', [typo, SECRET.slice(0, 20)]);
    expectError(() => generateTotp(typo), 'INVALID_SECRET', [typo, SECRET.slice(0, 20)]);
    expectError(() => verifyTotp('123456', typo), 'INVALID_SECRET', [typo, SECRET.slice(0, 20)]);
  });
});

describe('a code typed by the user never throws', () => {
  const now = TIME;
  const code = generateTotp(SECRET, { time: now });
  const hotpCode = generateHotp(SECRET, 7);
  const MALFORMED: Array<[string, unknown]> = [
    ["'12345' (too short)", '12345'],
    ["'1234567' (too long)", '1234567'],
    ["'12a456'", '12a456'],
    ['full-width digits', '１２３４５６'],
    ['Arabic-Indic digits', '١٢٣٤٥٦'],
    ["'1e5' (parseInt/Number would accept it)", '1e5'],
    ["'1e5000'", '1e5000'],
    ["' 0x1f '", ' 0x1f '],
    ["'0x1f2a'", '0x1f2a'],
    ["'-12345'", '-12345'],
    ["'+12345'", '+12345'],
    ["'12345.'", '12345.'],
    ["'1234.5'", '1234.5'],
    ['tab inside', '123\t456'],
    ['newline after', '123456\n'],
    ['no-break space inside', '123\u00a0456'],
    ["''", ''],
    ['only spaces', '      '],
    ['a number', 123456],
    ['NaN', Number.NaN],
    ['a bigint', 123456n],
    ['null', null],
    ['undefined', undefined],
    ['{}', {}],
    ['an array of the code', ['123456']],
    ['a String object', Object('123456')],
    ['a symbol', Symbol('123456')],
    ['a very long string', '1'.repeat(100_000)],
  ];

  for (const [what, input] of MALFORMED) {
    it(`verifyTotp and verifyHotp return 'malformed' for ${what}`, () => {
      expect(loose(verifyTotp)(input, SECRET, { time: now })).toEqual({ valid: false, reason: 'malformed' });
      expect(loose(verifyHotp)(input, SECRET, 7)).toEqual({ valid: false, reason: 'malformed' });
    });
  }

  it("the right code as a number is still 'malformed' (codes are text; leading zeros matter)", () => {
    expect(loose(verifyTotp)(Number(code), SECRET, { time: now })).toEqual({ valid: false, reason: 'malformed' });
  });

  it('spaces inside, before or after the code are accepted', () => {
    for (const spaced of [`${code.slice(0, 3)} ${code.slice(3)}`, ` ${code} `, code.split('').join(' ')]) {
      expect(verifyTotp(spaced, SECRET, { time: now })).toEqual({
        valid: true,
        step: totpStep({ time: now }),
        delta: 0,
      });
    }
    expect(verifyHotp(`${hotpCode.slice(0, 3)} ${hotpCode.slice(3)}`, SECRET, 7)).toEqual({
      valid: true,
      counter: 7,
      delta: 0,
    });
  });

  it("a well-formed wrong code is 'invalid'", () => {
    const wrong = code === '000000' ? '000001' : '000000';
    expect(verifyTotp(wrong, SECRET, { time: now, window: 0 })).toEqual({ valid: false, reason: 'invalid' });
    const wrongHotp = hotpCode === '000000' ? '000001' : '000000';
    expect(verifyHotp(wrongHotp, SECRET, 7, { lookAhead: 0 })).toEqual({ valid: false, reason: 'invalid' });
  });

  it("a code whose step was already used is 'replayed'; a later step is not", () => {
    const step = totpStep({ time: now });
    expect(verifyTotp(code, SECRET, { time: now, afterStep: step })).toEqual({ valid: false, reason: 'replayed' });
    expect(verifyTotp(code, SECRET, { time: now, afterStep: step + 5 })).toEqual({ valid: false, reason: 'replayed' });
    expect(verifyTotp(code, SECRET, { time: now, afterStep: step - 1 })).toEqual({ valid: true, step, delta: 0 });
  });

  it("a malformed code wins over 'replayed' (it is not even a code)", () => {
    const step = totpStep({ time: now });
    expect(verifyTotp('12345', SECRET, { time: now, afterStep: step })).toEqual({ valid: false, reason: 'malformed' });
  });
});
