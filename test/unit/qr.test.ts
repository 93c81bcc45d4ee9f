// QR codes are checked end to end with independent tools: @resvg/resvg-js rasterises the SVG
// and jsqr decodes the pixels, so a passing test means a camera-grade decoder reads the exact
// text back, not merely that some SVG came out.
import { Resvg } from '@resvg/resvg-js';
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import {
  buildOtpauthUri,
  encodeBase32,
  generateSecret,
  isFactorkitError,
  renderQrDataUrl,
  renderQrSvg,
  type QrOptions,
} from 'factorkit';

const PIXELS_PER_MODULE = 4;

function viewBoxExtent(svg: string): number {
  const match = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  expect(match, 'the SVG has a viewBox').not.toBeNull();
  expect(match![1]).toBe(match![2]);
  return Number(match![1]);
}

function decodeSvg(svg: string): { data: string; bytes: number[]; version: number } | null {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: viewBoxExtent(svg) * PIXELS_PER_MODULE } });
  const image = resvg.render();
  const rgba = new Uint8ClampedArray(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength);
  const result = jsQR(rgba, image.width, image.height, { inversionAttempts: 'dontInvert' });
  return result && { data: result.data, bytes: result.binaryData, version: result.version };
}

function svgFromDataUrl(url: string): string {
  const prefix = 'data:image/svg+xml;base64,';
  expect(url.startsWith(prefix)).toBe(true);
  const binary = atob(url.slice(prefix.length));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

const shortUri = buildOtpauthUri({
  type: 'totp',
  issuer: 'Example',
  account: 'alice@example.com',
  secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
});

const longUri = buildOtpauthUri({
  type: 'totp',
  issuer: 'Großbank Zürich & Söhne — Abteilung für Sicherheit 東京支店 🏦',
  account: 'jürgen.müller-lüdenscheidt+zwei-faktor@ünternehmen.example.com',
  secret: encodeBase32(new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff)),
  algorithm: 'SHA512',
  digits: 8,
  period: 60,
});

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

  it('uses the smallest symbol that holds the text, up to the full version-40 capacity', () => {
    // Byte-mode capacities, ISO/IEC 18004 table 7: version 1 holds 17 bytes at L and 14 at M.
    expect(viewBoxExtent(renderQrSvg('x'.repeat(17), { ecl: 'L', margin: 0 }))).toBe(21);
    expect(viewBoxExtent(renderQrSvg('x'.repeat(18), { ecl: 'L', margin: 0 }))).toBe(25);
    expect(viewBoxExtent(renderQrSvg('x'.repeat(14), { margin: 0 }))).toBe(21);
    const largest = 'otpauth://'.padEnd(2953, 'x');
    const svg = renderQrSvg(largest, { ecl: 'L' });
    expect(viewBoxExtent(svg)).toBe(177 + 8);
    expect(decodeSvg(svg)?.data).toBe(largest);
  });

  it('is a standalone SVG that fetches nothing', () => {
    const svg = renderQrSvg(shortUri);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|href|<script|<image/);
    expect(renderQrDataUrl(shortUri)).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  });
});

describe('bad input gets INVALID_ARGUMENT', () => {
  const codeOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return isFactorkitError(error) ? error.code : 'not a FactorkitError';
    }
    return undefined;
  };

  it('for text that is empty, not a string, unpaired surrogates or too long for any QR code', () => {
    for (const text of ['', undefined, null, 42, 'a\uD800b', 'x'.repeat(2332)]) {
      expect(
        codeOf(() => renderQrSvg(text as string)),
        String(text).slice(0, 20),
      ).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => renderQrDataUrl(text as string))).toBe('INVALID_ARGUMENT');
    }
    // 2953 bytes is the byte-mode capacity of version 40 at level L (ISO/IEC 18004 table 7).
    expect(codeOf(() => renderQrSvg('x'.repeat(2953), { ecl: 'L' }))).toBeUndefined();
    expect(codeOf(() => renderQrSvg('x'.repeat(2954), { ecl: 'L' }))).toBe('INVALID_ARGUMENT');
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
