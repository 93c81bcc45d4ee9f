// QR codes are checked end to end with independent tools: @resvg/resvg-js rasterises the SVG and
// jsQR decodes the pixels (test/support/qr-decode.ts), so a passing test means a camera-grade
// decoder reads the exact bytes back, not merely that some SVG came out. The cross-check with
// ImageMagick, a system tool, is in the integration tier (test/integration/qr-imagemagick.test.ts).
import QRCode from 'qrcode-svg';
import { describe, expect, it } from 'vitest';
import {
  buildOtpauthUri,
  generateSecret,
  isFactorkitError,
  renderQrDataUrl,
  renderQrSvg,
  type QrErrorCorrectionLevel,
  type QrOptions,
} from 'factorkit';
import { decodeSvg, LONG_URI as longUri, SHORT_URI as shortUri, viewBoxExtent } from '../support/qr-decode.js';

const LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

/**
 * Byte-mode data capacity in bytes of versions 1 to 40, as `[L, M, Q, H]`:
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

const capacity = (version: number, ecl: QrErrorCorrectionLevel): number =>
  BYTE_CAPACITY[version - 1]![LEVELS.indexOf(ecl)]!;

/** The QR version of an SVG rendered with the default 4-module margin: 17 + 4·version modules wide. */
function versionOf(svg: string): number {
  const modules = viewBoxExtent(svg) - 8;
  expect((modules - 17) % 4, `${modules} modules is no QR symbol`).toBe(0);
  return (modules - 17) / 4;
}

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];

/** Printable ASCII of exactly `bytes` bytes, every character from `!` to `~`. */
function asciiText(bytes: number): string {
  return Array.from({ length: bytes }, (_, i) => String.fromCharCode(0x21 + ((i * 7) % 94))).join('');
}

// Two-, three- and four-byte UTF-8, with the code points qrcode-svg 1.1 gets wrong on its own
// (U+0080, U+0800, U+FFFF and astral characters, which it writes as CESU-8).
const MULTI_BYTE = ['ü', '\u0080', '\u07ff', '東', '\u0800', '\uffff', '🙂', '\u{10000}', '\u{10ffff}', 'ß'];

/** Multi-byte UTF-8 text of exactly `bytes` bytes (ASCII fills the last one to three). */
function multiByteText(bytes: number): string {
  let text = '';
  let length = 0;
  for (let i = 0; ; i++) {
    const char = MULTI_BYTE[i % MULTI_BYTE.length]!;
    const charBytes = utf8(char).length;
    if (length + charBytes > bytes) break;
    text += char;
    length += charBytes;
  }
  return text + 'x'.repeat(bytes - length);
}

/** The module matrix of an SVG rendered with `margin: 0`, read back from its path. */
function modulesOfSvg(svg: string): boolean[][] {
  const size = viewBoxExtent(svg);
  const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const path = /<path [^>]*d="([^"]*)"/.exec(svg)![1]!;
  for (const [, x, y, width] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(width); i++) modules[Number(y)]![Number(x) + i] = true;
  }
  return modules;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFactorkitError(error) ? error.code : 'not a FactorkitError';
  }
  return undefined;
}

function svgFromDataUrl(url: string): string {
  const prefix = 'data:image/svg+xml;base64,';
  expect(url.startsWith(prefix)).toBe(true);
  const binary = atob(url.slice(prefix.length));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

describe('renderQrSvg / renderQrDataUrl decode back to the exact text', () => {
  it('the long URI really is long (non-ASCII, SHA512, 512-bit secret)', () => {
    expect(longUri.length).toBeGreaterThan(400);
    expect(longUri).toContain('algorithm=SHA512');
  });

  for (const [name, uri] of [
    ['short', shortUri],
    ['long', longUri],
  ] as const) {
    it(`${name} URI via renderQrSvg`, () => {
      const decoded = decodeSvg(renderQrSvg(uri));
      expect(decoded?.data).toBe(uri);
    });

    it(`${name} URI via renderQrDataUrl`, () => {
      const decoded = decodeSvg(svgFromDataUrl(renderQrDataUrl(uri)));
      expect(decoded?.data).toBe(uri);
    });
  }

  it('a fresh enrolment URI at every error-correction level, denser as the level rises', () => {
    const uri = buildOtpauthUri({ type: 'totp', issuer: 'Example', account: 'bob', secret: generateSecret() });
    const versions: number[] = [];
    for (const ecl of ['L', 'M', 'Q', 'H'] as const) {
      const decoded = decodeSvg(renderQrSvg(uri, { ecl }));
      expect(decoded?.data, ecl).toBe(uri);
      versions.push(decoded!.version);
    }
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[3]).toBeGreaterThan(versions[0]!);
  });

  it('custom colours, size and margin still decode', () => {
    const options: QrOptions = { color: '#1a237e', background: '#fff8e1', size: 300, margin: 2 };
    const svg = renderQrSvg(shortUri, options);
    expect(svg).toContain('width="300" height="300"');
    expect(svg).toContain('fill="#1a237e"');
    expect(svg).toContain('fill="#fff8e1"');
    expect(decodeSvg(svg)?.data).toBe(shortUri);
  });

  it('the margin is the quiet zone in modules: it widens the viewBox by twice its value', () => {
    const without = viewBoxExtent(renderQrSvg(shortUri, { margin: 0 }));
    expect(viewBoxExtent(renderQrSvg(shortUri))).toBe(without + 8);
    expect(viewBoxExtent(renderQrSvg(shortUri, { margin: 10 }))).toBe(without + 20);
    expect((without - 17) % 4).toBe(0); // a QR symbol is 17 + 4 * version modules wide
  });

  it('encodes non-ASCII text as exact UTF-8, including the code points qrcode-svg 1.1 gets wrong', () => {
    // U+0080, U+0800 and astral characters sit on the boundaries qrcode-svg mis-encodes.
    const text = 'Grüße \u0080 \u07ff \u0800 \uffff 東京 🙂 👩‍💻';
    const decoded = decodeSvg(renderQrSvg(text));
    expect(decoded?.bytes).toEqual([...new TextEncoder().encode(text)]);
    expect(decoded?.data).toBe(text);
  });

  it('is a standalone SVG that fetches nothing', () => {
    const svg = renderQrSvg(shortUri);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|href|<script|<image/);
    expect(renderQrDataUrl(shortUri)).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  });

  it('gives every shape its own fill and stroke="none", so no inherited or default stroke thickens it', () => {
    const shapes = renderQrSvg(shortUri).match(/<(rect|path)\b[^>]*>/g)!;
    expect(shapes).toHaveLength(2);
    for (const shape of shapes) {
      expect(shape).toMatch(/ fill="#[0-9a-f]{6}"/);
      expect(shape).toContain(' stroke="none"');
    }
  });
});

// Each version's last length at each level, and the length after it, which needs the next
// version (or, after version 40, is refused). Both are rendered and decoded; one is printable
// ASCII and the other multi-byte UTF-8, swapping with each version so both kinds meet both edges.
// 2 pixels per module keeps jsQR quick on the 177-module symbols of version 40.
describe.each(LEVELS)('at level %s, every length on a version boundary decodes in the smallest version', (ecl) => {
  const roundTrip = (text: string): number => {
    const svg = renderQrSvg(text, { ecl });
    const decoded = decodeSvg(svg, 2);
    expect(decoded, `${utf8(text).length} bytes decode`).not.toBeNull();
    expect(decoded!.bytes).toEqual(utf8(text));
    expect(decoded!.data).toBe(text);
    expect(decoded!.version).toBe(versionOf(svg));
    return versionOf(svg);
  };

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('version %i', (version) => {
    const last = capacity(version, ecl);
    const [lastText, nextText] = version % 2 ? [asciiText, multiByteText] : [multiByteText, asciiText];
    expect(roundTrip(lastText(last)), `${last} bytes`).toBe(version);
    if (version < 40) {
      expect(roundTrip(nextText(last + 1)), `${last + 1} bytes`).toBe(version + 1);
    } else {
      expect(codeOf(() => renderQrSvg(nextText(last + 1), { ecl }))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => renderQrSvg(lastText(last + 1), { ecl }))).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('the symbol matches qrcode-svg module for module wherever qrcode-svg builds it right', () => {
  // For ASCII text qrcode-svg 1.1 writes the right bytes but sizes the symbol for 3 bytes more,
  // so at 3 bytes under a version's capacity it picks the version factorkit picks, and its own
  // codewords (Reed–Solomon, block interleaving, padding) and mask choice must equal ours. Its
  // version-15-H block table is short of 7 blocks, so it cannot build that symbol at all.
  it.each(LEVELS)('level %s, every version', (ecl) => {
    for (let version = 1; version <= 40; version++) {
      if (version === 15 && ecl === 'H') continue;
      const text = asciiText(capacity(version, ecl) - 3);
      const reference = new QRCode({ content: text, ecl, padding: 0 }).qrcode;
      expect(reference.typeNumber, `qrcode-svg's version for ${text.length} bytes`).toBe(version);
      // qrcode-svg's modules are indexed [row][column], as the SVG path is.
      expect(modulesOfSvg(renderQrSvg(text, { ecl, margin: 0 })), `version ${version}`).toEqual(reference.modules);
    }
  });
});

describe('a SHA-512 enrolment URI at level H', () => {
  const uri = buildOtpauthUri({
    type: 'totp',
    issuer: 'ACME Corp',
    account: 'alice@example.com',
    secret: generateSecret({ bytes: 64 }),
    algorithm: 'SHA512',
    digits: 8,
  });

  it('is 202 bytes, renders in version 15 (version 14 holds 194 bytes at H) and decodes', () => {
    expect(utf8(uri)).toHaveLength(202);
    const svg = renderQrSvg(uri, { ecl: 'H' });
    expect(versionOf(svg)).toBe(15);
    expect(decodeSvg(svg)?.data).toBe(uri);
  });
});

describe('bad input gets INVALID_ARGUMENT', () => {
  it('for text that is empty, not a string, unpaired surrogates or too long for any QR code', () => {
    for (const text of ['', undefined, null, 42, 'a\uD800b', 'x'.repeat(2332)]) {
      expect(
        codeOf(() => renderQrSvg(text as string)),
        String(text).slice(0, 20),
      ).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => renderQrDataUrl(text as string))).toBe('INVALID_ARGUMENT');
    }
    // Version 40's byte-mode capacity at each level (ISO/IEC 18004:2015, Table 7), and one byte more.
    for (const ecl of LEVELS) {
      expect(
        codeOf(() => renderQrSvg('x'.repeat(capacity(40, ecl)), { ecl })),
        ecl,
      ).toBeUndefined();
      expect(
        codeOf(() => renderQrSvg('x'.repeat(capacity(40, ecl) + 1), { ecl })),
        ecl,
      ).toBe('INVALID_ARGUMENT');
      expect(
        codeOf(() => renderQrSvg('é'.repeat(capacity(40, ecl)), { ecl })),
        ecl,
      ).toBe('INVALID_ARGUMENT');
    }
  });

  it('for every bad option', () => {
    const bad: unknown[] = [
      null,
      'M',
      { ecl: 'X' },
      { ecl: 'm' },
      { size: 0 },
      { size: 1.5 },
      { size: 10_000 },
      { size: '256' },
      { margin: -1 },
      { margin: 65 },
      { margin: NaN },
      { color: 'red" onload="alert(1)' },
      { color: '#12' },
      { background: 'url(https://example.com/x.png)' },
      { color: 42 },
      { color: '#000', background: '#000' },
    ];
    for (const options of bad) {
      expect(
        codeOf(() => renderQrSvg(shortUri, options as QrOptions)),
        JSON.stringify(options),
      ).toBe('INVALID_ARGUMENT');
    }
  });
});
