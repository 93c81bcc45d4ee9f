// ImageMagick, an independent tool, converts factorkit's QR SVGs into PNGs that jsQR decodes: the
// cross-check for apps and mail pipelines that turn the SVG into a PNG with it. ImageMagick is a
// system tool, so this is in the integration tier (its globalSetup installs it); the SVG's own
// decoding tests are in test/unit/qr.test.ts.
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { buildOtpauthUri, encodeBase32, renderQrSvg, type QrOptions } from 'factorkit';
import { decodePng, LONG_URI as longUri, SHORT_URI as shortUri, viewBoxExtent } from '../support/qr-decode.js';

describe('ImageMagick converts the SVG into a PNG that decodes', () => {
  // Apps and mail pipelines often turn the SVG into a PNG with ImageMagick, whose own renderer
  // (MSVG) strokes shapes that set no stroke. This needs ImageMagick's `convert` (scripts/test-setup.sh,
  // this tier's globalSetup, installs it) and fails, never skips, without it.
  const convert = (args: string[], input?: string): Buffer => {
    try {
      return execFileSync('convert', args, { input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      throw new Error(`ImageMagick's convert ${args.join(' ')} failed; install it: apt-get install imagemagick`, {
        cause: error,
      });
    }
  };

  it('is ImageMagick', () => {
    expect(convert(['-version']).toString()).toMatch(/^Version: ImageMagick \d/);
  });

  // A fixed secret keeps the symbols, and so the pixels ImageMagick draws, the same on every run.
  const sha512Uri = buildOtpauthUri({
    type: 'totp',
    issuer: 'ACME Corp',
    account: 'alice@example.com',
    secret: encodeBase32(new Uint8Array(64).map((_, i) => (i * 73 + 5) & 0xff)),
    algorithm: 'SHA512',
    digits: 8,
  });
  // It also draws dark modules up to a pixel wider, so dense codes are converted as
  // renderQrSvg's documentation advises: at 8 pixels per module, or drawn at 4x and scaled down.
  interface Conversion {
    options?: QrOptions;
    pixelsPerModule?: number;
    atFourTimes?: boolean;
  }
  const cases: [string, string, Conversion][] = [
    ['an enrolment URI, default options', shortUri, {}],
    [
      'custom colours, size and margin',
      shortUri,
      { options: { color: '#1a237e', background: '#fff8e1', size: 300, margin: 2 } },
    ],
    ['the long non-ASCII URI at 8 px per module', longUri, { pixelsPerModule: 8 }],
    ['the 202-byte SHA-512 URI at level H, 8 px per module', sha512Uri, { options: { ecl: 'H' }, pixelsPerModule: 8 }],
    ['the 202-byte SHA-512 URI at level H, drawn at 4x', sha512Uri, { options: { ecl: 'H' }, atFourTimes: true }],
  ];
  const convertAndDecode = (reader: string, text: string, conversion: Conversion): void => {
    const options: QrOptions = { ...conversion.options };
    if (conversion.pixelsPerModule) {
      options.size = conversion.pixelsPerModule * viewBoxExtent(renderQrSvg(text, options));
    }
    // ImageMagick reads SVG at 96 dpi by default.
    const [before, after] = conversion.atFourTimes
      ? [
          ['-density', '384'],
          ['-resize', '25%'],
        ]
      : [[], []];
    const png = convert([...before, `${reader}:-`, ...after, 'png:-'], renderQrSvg(text, options));
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([options.size ?? 256, options.size ?? 256]);
    expect(decodePng(png)?.data).toBe(text);
  };

  // svg: lets ImageMagick pick its SVG reader (its own, MSVG, unless a delegate such as
  // rsvg-convert is installed); msvg: always uses its own renderer, the one that drew blobs.
  it('an enrolment URI, default options, read as svg:', () => convertAndDecode('svg', shortUri, {}));
  for (const [name, text, conversion] of cases) {
    it(`${name}, read as msvg:`, () => convertAndDecode('msvg', text, conversion));
  }
});
