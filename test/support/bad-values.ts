// One shared list of values that are wrong for almost every argument (the @noble/hashes
// habit): each test filters out the few that are legitimately valid for its argument.

export interface BadValue {
  label: string;
  value: unknown;
}

const bad = (label: string, value: unknown): BadValue => ({ label, value });

export const BAD_VALUES: readonly BadValue[] = [
  bad('undefined', undefined),
  bad('null', null),
  bad('NaN', Number.NaN),
  bad('Infinity', Number.POSITIVE_INFINITY),
  bad('-Infinity', Number.NEGATIVE_INFINITY),
  bad('-1', -1),
  bad('1.5', 1.5),
  bad('0', 0),
  bad('2^53', 2 ** 53),
  bad('1e300', 1e300),
  bad('100n', 100n),
  bad('-1n', -1n),
  bad("'1'", '1'),
  bad("''", ''),
  bad("'SHA1 '", 'SHA1 '),
  bad('true', true),
  bad('false', false),
  bad('{}', {}),
  bad('[]', []),
  bad('[1]', [1]),
  bad('[1, 2, 3]', [1, 2, 3]),
  bad("['1', '1']", ['1', '1']),
  bad('Symbol()', Symbol('bad')),
  bad('() => 1', () => 1),
  bad('new Date(0)', new Date(0)),
  bad('new Uint16Array(20)', new Uint16Array(20)),
  bad('new Int8Array(20)', new Int8Array(20)),
  bad('new Uint8ClampedArray(20)', new Uint8ClampedArray(20)),
  bad('new Float64Array(4)', new Float64Array(4)),
  bad('new ArrayBuffer(20)', new ArrayBuffer(20)),
  bad('new DataView(new ArrayBuffer(20))', new DataView(new ArrayBuffer(20))),
  bad(
    'Array(20).fill(1)',
    Array.from({ length: 20 }, () => 1),
  ),
];

/** Every bad value whose label is not listed: the ones that are valid for the argument at hand. */
export function badValuesExcept(...validLabels: string[]): BadValue[] {
  for (const label of validLabels) {
    if (!BAD_VALUES.some((entry) => entry.label === label)) throw new Error(`unknown bad-value label ${label}`);
  }
  return BAD_VALUES.filter((entry) => !validLabels.includes(entry.label));
}

/** Labels of the values an options argument may legitimately read as an empty options object. */
export const OBJECT_LIKE = ['{}', 'new Date(0)'];
