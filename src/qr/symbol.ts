import QRCode from 'qrcode-svg';
import { FactorkitError } from '../errors/index.js';
import type { QrErrorCorrectionLevel } from './options.js';

// qrcode-svg 1.1 lays out the symbol (finder, timing and alignment patterns, format and version
// information, masking, module placement), but its codewords are wrong in two ways, so factorkit
// chooses the version and builds the codewords itself, then hands both to qrcode-svg's model:
// - It picks the version from a byte count that always includes 3 bytes for a UTF-8 BOM
//   (`result.length != content` compares a number with the text, so it is always true), and
//   encodes non-ASCII text wrongly (code points at the 0x80/0x800 boundaries, astral characters
//   as CESU-8).
// - Its error correction block table lists only the first of version 15-H's two block groups
//   (11 blocks of 36 codewords, not the 7 of 37 that follow), so it sees 132 data codewords
//   instead of 223 and every version-15-H symbol overflows: "too long" for 195 to 220 bytes at
//   level H. Its other 159 rows match the standard and jsQR's table.

/**
 * Byte-mode data capacity in 8-bit bytes of versions 1 to 40, as `[L, M, Q, H]`:
 * ISO/IEC 18004:2015, Table 7, column "Byte".
 */
const BYTE_CAPACITY: readonly (readonly [number, number, number, number])[] = [
  [17, 14, 11, 7],
  [32, 26, 20, 14],
  [53, 42, 32, 24],
  [78, 62, 46, 34],
  [106, 84, 60, 44],
  [134, 106, 74, 58],
  [154, 122, 86, 64],
  [192, 152, 108, 84],
  [230, 180, 130, 98],
  [271, 213, 151, 119],
  [321, 251, 177, 137],
  [367, 287, 203, 155],
  [425, 331, 241, 177],
  [458, 362, 258, 194],
  [520, 412, 292, 220],
  [586, 450, 322, 250],
  [644, 504, 364, 280],
  [718, 560, 394, 310],
  [792, 624, 442, 338],
  [858, 666, 482, 382],
  [929, 711, 509, 403],
  [1003, 779, 565, 439],
  [1091, 857, 611, 461],
  [1171, 911, 661, 511],
  [1273, 997, 715, 535],
  [1367, 1059, 751, 593],
  [1465, 1125, 805, 625],
  [1528, 1190, 868, 658],
  [1628, 1264, 908, 698],
  [1732, 1370, 982, 742],
  [1840, 1452, 1030, 790],
  [1952, 1538, 1112, 842],
  [2068, 1628, 1168, 898],
  [2188, 1722, 1228, 958],
  [2303, 1809, 1283, 983],
  [2431, 1911, 1351, 1051],
  [2563, 1989, 1423, 1093],
  [2699, 2099, 1499, 1139],
  [2809, 2213, 1579, 1219],
  [2953, 2331, 1663, 1273],
];

/** A group of error correction blocks: `[blocks, codewords per block (c), data codewords per block (k)]`. */
type BlockGroup = readonly [number, number, number];

/**
 * Error correction blocks of versions 1 to 40, as `[L, M, Q, H]`, each one or two block groups:
 * ISO/IEC 18004:2015, Table 9, columns "Number of error correction blocks" and "(c, k, r)".
 */
// biome-ignore format: one row per version, as in the standard's table
const BLOCKS: readonly (readonly [readonly BlockGroup[], readonly BlockGroup[], readonly BlockGroup[], readonly BlockGroup[]])[] = [
  [[[1, 26, 19]], [[1, 26, 16]], [[1, 26, 13]], [[1, 26, 9]]], // 1
  [[[1, 44, 34]], [[1, 44, 28]], [[1, 44, 22]], [[1, 44, 16]]], // 2
  [[[1, 70, 55]], [[1, 70, 44]], [[2, 35, 17]], [[2, 35, 13]]], // 3
  [[[1, 100, 80]], [[2, 50, 32]], [[2, 50, 24]], [[4, 25, 9]]], // 4
  [[[1, 134, 108]], [[2, 67, 43]], [[2, 33, 15], [2, 34, 16]], [[2, 33, 11], [2, 34, 12]]], // 5
  [[[2, 86, 68]], [[4, 43, 27]], [[4, 43, 19]], [[4, 43, 15]]], // 6
  [[[2, 98, 78]], [[4, 49, 31]], [[2, 32, 14], [4, 33, 15]], [[4, 39, 13], [1, 40, 14]]], // 7
  [[[2, 121, 97]], [[2, 60, 38], [2, 61, 39]], [[4, 40, 18], [2, 41, 19]], [[4, 40, 14], [2, 41, 15]]], // 8
  [[[2, 146, 116]], [[3, 58, 36], [2, 59, 37]], [[4, 36, 16], [4, 37, 17]], [[4, 36, 12], [4, 37, 13]]], // 9
  [[[2, 86, 68], [2, 87, 69]], [[4, 69, 43], [1, 70, 44]], [[6, 43, 19], [2, 44, 20]], [[6, 43, 15], [2, 44, 16]]], // 10
  [[[4, 101, 81]], [[1, 80, 50], [4, 81, 51]], [[4, 50, 22], [4, 51, 23]], [[3, 36, 12], [8, 37, 13]]], // 11
  [[[2, 116, 92], [2, 117, 93]], [[6, 58, 36], [2, 59, 37]], [[4, 46, 20], [6, 47, 21]], [[7, 42, 14], [4, 43, 15]]], // 12
  [[[4, 133, 107]], [[8, 59, 37], [1, 60, 38]], [[8, 44, 20], [4, 45, 21]], [[12, 33, 11], [4, 34, 12]]], // 13
  [[[3, 145, 115], [1, 146, 116]], [[4, 64, 40], [5, 65, 41]], [[11, 36, 16], [5, 37, 17]], [[11, 36, 12], [5, 37, 13]]], // 14
  [[[5, 109, 87], [1, 110, 88]], [[5, 65, 41], [5, 66, 42]], [[5, 54, 24], [7, 55, 25]], [[11, 36, 12], [7, 37, 13]]], // 15
  [[[5, 122, 98], [1, 123, 99]], [[7, 73, 45], [3, 74, 46]], [[15, 43, 19], [2, 44, 20]], [[3, 45, 15], [13, 46, 16]]], // 16
  [[[1, 135, 107], [5, 136, 108]], [[10, 74, 46], [1, 75, 47]], [[1, 50, 22], [15, 51, 23]], [[2, 42, 14], [17, 43, 15]]], // 17
  [[[5, 150, 120], [1, 151, 121]], [[9, 69, 43], [4, 70, 44]], [[17, 50, 22], [1, 51, 23]], [[2, 42, 14], [19, 43, 15]]], // 18
  [[[3, 141, 113], [4, 142, 114]], [[3, 70, 44], [11, 71, 45]], [[17, 47, 21], [4, 48, 22]], [[9, 39, 13], [16, 40, 14]]], // 19
  [[[3, 135, 107], [5, 136, 108]], [[3, 67, 41], [13, 68, 42]], [[15, 54, 24], [5, 55, 25]], [[15, 43, 15], [10, 44, 16]]], // 20
  [[[4, 144, 116], [4, 145, 117]], [[17, 68, 42]], [[17, 50, 22], [6, 51, 23]], [[19, 46, 16], [6, 47, 17]]], // 21
  [[[2, 139, 111], [7, 140, 112]], [[17, 74, 46]], [[7, 54, 24], [16, 55, 25]], [[34, 37, 13]]], // 22
  [[[4, 151, 121], [5, 152, 122]], [[4, 75, 47], [14, 76, 48]], [[11, 54, 24], [14, 55, 25]], [[16, 45, 15], [14, 46, 16]]], // 23
  [[[6, 147, 117], [4, 148, 118]], [[6, 73, 45], [14, 74, 46]], [[11, 54, 24], [16, 55, 25]], [[30, 46, 16], [2, 47, 17]]], // 24
  [[[8, 132, 106], [4, 133, 107]], [[8, 75, 47], [13, 76, 48]], [[7, 54, 24], [22, 55, 25]], [[22, 45, 15], [13, 46, 16]]], // 25
  [[[10, 142, 114], [2, 143, 115]], [[19, 74, 46], [4, 75, 47]], [[28, 50, 22], [6, 51, 23]], [[33, 46, 16], [4, 47, 17]]], // 26
  [[[8, 152, 122], [4, 153, 123]], [[22, 73, 45], [3, 74, 46]], [[8, 53, 23], [26, 54, 24]], [[12, 45, 15], [28, 46, 16]]], // 27
  [[[3, 147, 117], [10, 148, 118]], [[3, 73, 45], [23, 74, 46]], [[4, 54, 24], [31, 55, 25]], [[11, 45, 15], [31, 46, 16]]], // 28
  [[[7, 146, 116], [7, 147, 117]], [[21, 73, 45], [7, 74, 46]], [[1, 53, 23], [37, 54, 24]], [[19, 45, 15], [26, 46, 16]]], // 29
  [[[5, 145, 115], [10, 146, 116]], [[19, 75, 47], [10, 76, 48]], [[15, 54, 24], [25, 55, 25]], [[23, 45, 15], [25, 46, 16]]], // 30
  [[[13, 145, 115], [3, 146, 116]], [[2, 74, 46], [29, 75, 47]], [[42, 54, 24], [1, 55, 25]], [[23, 45, 15], [28, 46, 16]]], // 31
  [[[17, 145, 115]], [[10, 74, 46], [23, 75, 47]], [[10, 54, 24], [35, 55, 25]], [[19, 45, 15], [35, 46, 16]]], // 32
  [[[17, 145, 115], [1, 146, 116]], [[14, 74, 46], [21, 75, 47]], [[29, 54, 24], [19, 55, 25]], [[11, 45, 15], [46, 46, 16]]], // 33
  [[[13, 145, 115], [6, 146, 116]], [[14, 74, 46], [23, 75, 47]], [[44, 54, 24], [7, 55, 25]], [[59, 46, 16], [1, 47, 17]]], // 34
  [[[12, 151, 121], [7, 152, 122]], [[12, 75, 47], [26, 76, 48]], [[39, 54, 24], [14, 55, 25]], [[22, 45, 15], [41, 46, 16]]], // 35
  [[[6, 151, 121], [14, 152, 122]], [[6, 75, 47], [34, 76, 48]], [[46, 54, 24], [10, 55, 25]], [[2, 45, 15], [64, 46, 16]]], // 36
  [[[17, 152, 122], [4, 153, 123]], [[29, 74, 46], [14, 75, 47]], [[49, 54, 24], [10, 55, 25]], [[24, 45, 15], [46, 46, 16]]], // 37
  [[[4, 152, 122], [18, 153, 123]], [[13, 74, 46], [32, 75, 47]], [[48, 54, 24], [14, 55, 25]], [[42, 45, 15], [32, 46, 16]]], // 38
  [[[20, 147, 117], [4, 148, 118]], [[40, 75, 47], [7, 76, 48]], [[43, 54, 24], [22, 55, 25]], [[10, 45, 15], [67, 46, 16]]], // 39
  [[[19, 148, 118], [6, 149, 119]], [[18, 75, 47], [31, 76, 48]], [[34, 54, 24], [34, 55, 25]], [[20, 45, 15], [61, 46, 16]]], // 40
];

const LEVEL_COLUMN: Readonly<Record<QrErrorCorrectionLevel, 0 | 1 | 2 | 3>> = { L: 0, M: 1, Q: 2, H: 3 };

/** Byte mode indicator: ISO/IEC 18004:2015, Table 2. */
const BYTE_MODE = 0b0100;

/** Pad codewords 11101100 and 00010001, alternating: ISO/IEC 18004:2015, 7.4.10. */
const PAD_CODEWORDS = [0xec, 0x11] as const;

/** The field polynomial of GF(2^8), x^8 + x^4 + x^3 + x^2 + 1: ISO/IEC 18004:2015, 7.5.2. */
const FIELD_POLYNOMIAL = 0x11d;

/** The byte-mode capacity of the largest symbol at `ecl`. */
function maxQrBytes(ecl: QrErrorCorrectionLevel): number {
  return BYTE_CAPACITY[BYTE_CAPACITY.length - 1]![LEVEL_COLUMN[ecl]];
}

/** The smallest version (1 to 40) whose byte-mode capacity at `ecl` holds `length` bytes. */
function smallestVersion(length: number, ecl: QrErrorCorrectionLevel): number {
  const column = LEVEL_COLUMN[ecl];
  const index = BYTE_CAPACITY.findIndex((capacities) => capacities[column] >= length);
  if (index < 0) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `text is too long for a QR code at error correction level ${ecl}: at most ${maxQrBytes(ecl)} bytes of UTF-8`,
    );
  }
  return index + 1;
}

/**
 * The data codewords of one byte-mode segment: mode indicator, character count (8 bits up to
 * version 9, 16 from version 10: ISO/IEC 18004:2015, Table 3), the bytes, a terminator of up
 * to 4 zero bits (7.4.9), zero bits to the codeword boundary, then pad codewords (7.4.10).
 */
function dataCodewords(bytes: Uint8Array, version: number, count: number): number[] {
  const bits: number[] = [];
  const put = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(BYTE_MODE, 4);
  put(bytes.length, version < 10 ? 8 : 16);
  for (const byte of bytes) put(byte, 8);
  put(0, Math.min(4, count * 8 - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    codewords.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  }
  for (let i = 0; codewords.length < count; i++) codewords.push(PAD_CODEWORDS[i % 2]!);
  return codewords;
}

/** Product in GF(2^8): carry-less multiplication reduced by the field polynomial. */
function multiply(a: number, b: number): number {
  let product = 0;
  for (let bit = 7; bit >= 0; bit--) {
    product = (product << 1) ^ ((product >>> 7) * FIELD_POLYNOMIAL);
    product ^= ((b >>> bit) & 1) * a;
  }
  return product;
}

/**
 * Coefficients, highest degree first and the leading 1 left out, of the generator polynomial
 * (x - α^0)(x - α^1)...(x - α^(degree-1)) with α = 2: ISO/IEC 18004:2015, 7.5.2 and Annex A.
 */
function generatorPolynomial(degree: number): number[] {
  const coefficients = new Array<number>(degree).fill(0);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      coefficients[j] = multiply(coefficients[j]!, root) ^ (coefficients[j + 1] ?? 0);
    }
    root = multiply(root, 2);
  }
  return coefficients;
}

/** The error correction codewords of one block: the remainder of data·x^n divided by the generator. */
function errorCorrectionCodewords(data: readonly number[], generator: readonly number[]): number[] {
  const remainder = new Array<number>(generator.length).fill(0);
  for (const codeword of data) {
    const factor = codeword ^ remainder.shift()!;
    remainder.push(0);
    for (let i = 0; i < generator.length; i++) remainder[i]! ^= multiply(generator[i]!, factor);
  }
  return remainder;
}

/**
 * Every codeword of the symbol in placement order: the data codewords split into blocks, each
 * block's error correction codewords appended, then both interleaved block by block
 * (ISO/IEC 18004:2015, 7.6).
 */
function symbolCodewords(bytes: Uint8Array, version: number, ecl: QrErrorCorrectionLevel): number[] {
  const groups = BLOCKS[version - 1]![LEVEL_COLUMN[ecl]];
  const blocks = groups.flatMap(([count, total, data]) => Array.from({ length: count }, () => ({ total, data })));
  const data = dataCodewords(
    bytes,
    version,
    blocks.reduce((sum, block) => sum + block.data, 0),
  );
  const generator = generatorPolynomial(blocks[0]!.total - blocks[0]!.data);
  let offset = 0;
  const split = blocks.map((block) => {
    const blockData = data.slice(offset, offset + block.data);
    offset += block.data;
    return { data: blockData, ec: errorCorrectionCodewords(blockData, generator) };
  });
  const codewords: number[] = [];
  const longest = Math.max(...blocks.map((block) => block.data));
  for (let i = 0; i < longest; i++) {
    for (const block of split) if (i < block.data.length) codewords.push(block.data[i]!);
  }
  for (let i = 0; i < generator.length; i++) {
    for (const block of split) codewords.push(block.ec[i]!);
  }
  return codewords;
}

/**
 * The module matrix (true = dark) of the smallest QR symbol holding `bytes` in one byte-mode
 * segment at error correction level `ecl`.
 *
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` if no version holds that many bytes
 */
export function qrModules(bytes: Uint8Array, ecl: QrErrorCorrectionLevel): boolean[][] {
  const version = smallestVersion(bytes.length, ecl);
  // qrcode-svg exports only its wrapper, which chooses a version and makes its own codewords
  // from a string; a one-byte text gives us its model cheaply, then it is remade with ours.
  const model = new QRCode({ content: 'a', ecl, padding: 0 }).qrcode;
  model.typeNumber = version;
  model.dataCache = symbolCodewords(bytes, version, ecl);
  model.make();
  return model.modules;
}
