// Decoding QR codes with independent readers in the tests: @resvg/resvg-js rasterises an SVG and
// jsQR (an npm package, not factorkit's encoder run backwards) reads the pixels, so a passing
// test means a camera-grade decoder reads the exact bytes back.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type jsQRType from 'jsqr';
import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import {
  buildMigrationUris,
  buildOtpauthUri,
  encodeBase32,
  type OtpauthRecord,
  type QrErrorCorrectionLevel,
  renderQrPng,
  renderQrPngDataUrl,
  renderQrSvg,
} from 'factorkit';

/**
 * jsQR 1.4.0 with one row of its version table corrected. It lists version 23's alignment
 * pattern centres as 6, 30, 54, 74, 102, where ISO/IEC 18004:2015 Annex E, Table E.1 has 78 for
 * the fourth, so it fails on every version-23 symbol, whoever made it (cozmo/jsQR#251).
 */
function jsQrWithVersion23Fixed(): typeof jsQRType {
  const path = createRequire(import.meta.url).resolve('jsqr');
  const source = readFileSync(path, 'utf8');
  const wrongRow = 'alignmentPatternCenters: [6, 30, 54, 74, 102],';
  if (source.split(wrongRow).length !== 2) {
    throw new Error(`${path} no longer has jsQR 1.4.0's version-23 row: check cozmo/jsQR#251 and drop this fix`);
  }
  const module = { exports: {} as { default: typeof jsQRType } };
  new Function('module', 'exports', source.replace(wrongRow, 'alignmentPatternCenters: [6, 30, 54, 78, 102],'))(
    module,
    module.exports,
  );
  return module.exports.default;
}

const jsQR = jsQrWithVersion23Fixed();

export function viewBoxExtent(svg: string): number {
  const match = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  expect(match, 'the SVG has a viewBox').not.toBeNull();
  expect(match![1]).toBe(match![2]);
  return Number(match![1]);
}

export interface Decoded {
  data: string;
  bytes: number[];
  version: number;
}

export function decodeRgba(rgba: Uint8ClampedArray, width: number, height: number): Decoded | null {
  const result = jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' });
  return result && { data: result.data, bytes: result.binaryData, version: result.version };
}

export function decodeSvg(svg: string, pixelsPerModule = 4): Decoded | null {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: viewBoxExtent(svg) * pixelsPerModule } });
  const image = resvg.render();
  const rgba = new Uint8ClampedArray(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength);
  return decodeRgba(rgba, image.width, image.height);
}

export function decodePng(png: Uint8Array): Decoded | null {
  const image = PNG.sync.read(Buffer.from(png));
  return decodeRgba(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    image.width,
    image.height,
  );
}

/** A typical enrolment URI. */
export const SHORT_URI = buildOtpauthUri({
  type: 'totp',
  issuer: 'Example',
  account: 'alice@example.com',
  secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
});

/** A long non-ASCII enrolment URI: SHA-512, 512-bit secret, 8 digits, 60 s. */
export const LONG_URI = buildOtpauthUri({
  type: 'totp',
  issuer: 'Großbank Zürich & Söhne — Abteilung für Sicherheit 東京支店 🏦',
  account: 'jürgen.müller-lüdenscheidt+zwei-faktor@ünternehmen.example.com',
  secret: encodeBase32(new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff)),
  algorithm: 'SHA512',
  digits: 8,
  period: 60,
});

const tenAccounts: OtpauthRecord[] = Array.from({ length: 10 }, (_, i) => ({
  type: 'totp',
  issuer: 'Example Corp',
  account: `user${i}@example.com`,
  secret: encodeBase32(new Uint8Array(20).map((_, j) => (i * 31 + j * 7) & 0xff)),
}));
const migrationUri = buildMigrationUris(tenAccounts, { batchId: 4242 })[0]!;

/** Three texts of rising size for the raster renderings. */
export const QR_TEXTS: [string, string][] = [
  ['an enrolment URI', SHORT_URI],
  ['a long non-ASCII SHA-512 URI', LONG_URI],
  ['a 10-account migration URI', migrationUri],
];

/**
 * The PNG read-back cases both readers run (jsQR in the unit tier, zbarimg in the integration
 * tier): every text at every level, drawn `pixelsPerModule` pixels a module, and the default
 * size, custom colours, a narrow margin and the data URL. Call inside a describe block.
 */
export function pngReadBackCases(read: (png: Uint8Array) => string | null | undefined, pixelsPerModule: number): void {
  for (const [name, text] of QR_TEXTS) {
    it.each(QR_LEVELS)(`${name} at level %s`, (ecl) => {
      // The size is the symbol's width (from the SVG's viewBox) times pixelsPerModule.
      const modules = Number(/viewBox="0 0 (\d+)/.exec(renderQrSvg(text, { ecl }))![1]);
      const png = renderQrPng(text, { ecl, size: modules * pixelsPerModule });
      const image = PNG.sync.read(Buffer.from(png));
      expect([image.width, image.height]).toEqual([modules * pixelsPerModule, modules * pixelsPerModule]);
      expect(read(png)).toBe(text);
    });
  }

  it('at the default size, with custom colours and a narrow margin, and as a data URL', () => {
    expect(read(renderQrPng(SHORT_URI))).toBe(SHORT_URI);
    const coloured = renderQrPng(SHORT_URI, { color: '#1a237e', background: '#fff8e1', size: 300, margin: 2 });
    const image = PNG.sync.read(Buffer.from(coloured));
    expect([image.width, image.height]).toEqual([300, 300]);
    expect([...image.data.subarray(0, 4)]).toEqual([0xff, 0xf8, 0xe1, 0xff]); // the corner is background
    expect(read(coloured)).toBe(SHORT_URI);
    const url = renderQrPngDataUrl(SHORT_URI, { size: 200 });
    expect(url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(read(Uint8Array.from(atob(url.slice(22)), (c) => c.charCodeAt(0)))).toBe(SHORT_URI);
  });
}

/** The four error-correction levels, each case runs at. */
export const QR_LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];
