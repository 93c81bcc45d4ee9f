import { FactorkitError } from '../errors/index.js';
import { checkOptionsObject } from '../validation/index.js';
import { qrModules } from './symbol.js';

/** QR error-correction level: recovers about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) damage. */
export type QrErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

/** Options for {@link renderQrSvg} and {@link renderQrDataUrl}. */
export interface QrOptions {
  /** Error-correction level. Default `'M'`; higher levels make denser codes. */
  ecl?: QrErrorCorrectionLevel;
  /** Rendered width and height in pixels, an integer from 1 to 8192. Default 256. */
  size?: number;
  /** Colour of the dark modules: `#rgb`, `#rrggbb` (with optional alpha) or a CSS colour name. Default `'#000000'`. */
  color?: string;
  /** Background colour, same forms as `color`. Default `'#ffffff'`. */
  background?: string;
  /**
   * Quiet zone around the code, in modules, 0 to 64. Default 4, the width ISO/IEC 18004
   * requires; scanners may fail on less unless the page around the code is blank.
   */
  margin?: number;
}

const LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];
const MAX_SIZE_PX = 8192;
const MAX_MARGIN_MODULES = 64;
// Only forms that cannot break out of an XML attribute.
const COLOR = /^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{1,32})$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface ResolvedQrOptions {
  ecl: QrErrorCorrectionLevel;
  size: number;
  color: string;
  background: string;
  margin: number;
}

function checkColor(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !COLOR.test(value)) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `${name} must be a hex colour (#rgb, #rrggbb...) or a CSS colour name`,
    );
  }
  return value;
}

function checkInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function resolveOptions(options: unknown): ResolvedQrOptions {
  const opts = checkOptionsObject(options);
  const ecl = opts.ecl ?? 'M';
  if (typeof ecl !== 'string' || !(LEVELS as readonly string[]).includes(ecl)) {
    throw new FactorkitError('INVALID_ARGUMENT', "ecl must be 'L', 'M', 'Q' or 'H'");
  }
  const color = checkColor('color', opts.color, '#000000');
  const background = checkColor('background', opts.background, '#ffffff');
  if (color.toLowerCase() === background.toLowerCase()) {
    throw new FactorkitError('INVALID_ARGUMENT', 'color and background must differ, or nothing can scan the code');
  }
  return {
    ecl: ecl as QrErrorCorrectionLevel,
    size: checkInteger('size', opts.size, 256, 1, MAX_SIZE_PX),
    color,
    background,
    margin: checkInteger('margin', opts.margin, 4, 0, MAX_MARGIN_MODULES),
  };
}

/** The UTF-8 bytes of `text`, which must be a non-empty string with a UTF-8 form. */
function utf8Bytes(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'text must be a non-empty string');
  }
  if (LONE_SURROGATE.test(text)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'text contains an unpaired surrogate and has no UTF-8 form');
  }
  return new TextEncoder().encode(text);
}

/**
 * Renders text (typically a Key URI from {@link buildOtpauthUri}) as a QR code: a standalone
 * SVG document with a `viewBox` in module units, so it scales crisply to any size, and
 * `width`/`height` set to `size` pixels. Rendered locally by `qrcode-svg`; the secret never
 * leaves the process (never use an online QR image service for a Key URI).
 *
 * Text is encoded as UTF-8 in byte mode, in the smallest symbol (version 1 to 40) that holds it.
 * Default error correction `'M'` and a 4-module quiet zone. Every shape sets its own `fill` and
 * `stroke="none"`, so converters such as ImageMagick draw square modules, not stroked blobs,
 * and a stroke inherited from the page (CSS `svg { stroke: currentColor }` on an inline SVG)
 * cannot thicken them. ImageMagick 6's own SVG renderer still draws dark modules up to a pixel
 * wider than they are: a typical enrolment URI reads at the default size, but for denser codes
 * (long URIs, level H) give `size` at least 8 pixels per module, or let it draw at 4x and scale
 * down: `convert -density 384 qr.svg -resize 25% qr.png`.
 *
 * @param text - the content, at most 2953 bytes of UTF-8 at level L, 2331 at M, 1663 at Q, 1273 at H
 * @param options - `ecl`, `size`, `color`, `background`, `margin`; see {@link QrOptions}
 * @returns SVG markup, starting with `<svg`
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for empty or overlong text, or a bad option
 * @example
 * ```ts
 * import { buildOtpauthUri, generateSecret, renderQrSvg } from 'factorkit';
 *
 * const uri = buildOtpauthUri({ type: 'totp', issuer: 'Example', account: 'alice', secret: generateSecret() });
 * const svg = renderQrSvg(uri, { size: 200 });
 * // e.g. res.type('image/svg+xml').send(svg), or inline it in your page
 * ```
 */
export function renderQrSvg(text: string, options?: QrOptions): string {
  const opts = resolveOptions(options);
  const modules = qrModules(utf8Bytes(text), opts.ecl);
  const { margin } = opts;
  const extent = modules.length + 2 * margin;
  // One horizontal run of dark modules per sub-path keeps the SVG small.
  let path = '';
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      path += `M${start + margin} ${y + margin}h${x - start}v1h-${x - start}z`;
    }
  });
  // An explicit stroke="none" on each shape: ImageMagick 6's own SVG renderer strokes shapes that
  // set none (a 1-unit black outline, here a whole module, with round joins: unreadable blobs).
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${opts.size}" height="${opts.size}" ` +
    `viewBox="0 0 ${extent} ${extent}" shape-rendering="crispEdges">` +
    `<rect x="0" y="0" width="${extent}" height="${extent}" fill="${opts.background}" stroke="none"/>` +
    `<path fill="${opts.color}" stroke="none" d="${path}"/>` +
    `</svg>`
  );
}

/**
 * Like {@link renderQrSvg}, but returns a `data:image/svg+xml;base64,...` URL for an
 * `<img src>`, built with `TextEncoder` and `btoa` (no `Buffer`), so it works in every runtime.
 *
 * @param text - the content, typically a Key URI
 * @param options - as for {@link renderQrSvg}
 * @returns the data URL
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` as {@link renderQrSvg}
 * @example
 * ```ts
 * import { renderQrDataUrl } from 'factorkit';
 *
 * const src = renderQrDataUrl('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * const html = `<img src="${src}" width="256" height="256" alt="Scan with your authenticator app">`;
 * ```
 */
export function renderQrDataUrl(text: string, options?: QrOptions): string {
  const bytes = new TextEncoder().encode(renderQrSvg(text, options));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
