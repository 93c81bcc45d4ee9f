// QR codes as PNG, for the places that show no SVG: e-mail clients, many native image views,
// chat apps. The module matrix is the SVG's (symbol.ts); fast-png writes the file (zlib through
// fflate, CRCs, chunks), so nothing here is a PNG or deflate encoder of our own.
import { encode } from 'fast-png';
import { FactorkitError } from '../errors/index.js';
import { type QrOptions, base64DataUrl, resolveOptions, utf8Bytes } from './options.js';
import { qrModules } from './symbol.js';

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` as [r, g, b, a]. */
function hexColor(name: string, value: string): [number, number, number, number] {
  if (!value.startsWith('#')) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be a hex colour for a PNG (#rgb, #rrggbb...)`);
  }
  const hex = value.slice(1);
  const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit) : hex.match(/../g)!;
  const [r, g, b, a = 255] = digits.map((pair) => Number.parseInt(pair, 16));
  return [r!, g!, b!, a];
}

/**
 * Renders text (typically a Key URI) as a QR code in a PNG file: the same symbol as
 * {@link renderQrSvg} (UTF-8 in byte mode, the smallest version, default level M and a
 * 4-module quiet zone), as a 1-bit indexed-colour image of `size` x `size` pixels. Each pixel
 * shows the module under its centre, so modules are whole pixels wide; give `size` a multiple
 * of the symbol's width in modules for modules of equal width. Encoded locally by fast-png;
 * the secret never leaves the process.
 *
 * Colours are hex (`#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`); an alpha below `ff` is kept in the
 * palette's transparency chunk. CSS colour names are refused: a PNG has no CSS.
 *
 * @param text - the content, at most 2953 bytes of UTF-8 at level L, 2331 at M, 1663 at Q, 1273 at H
 * @param options - `ecl`, `size`, `color`, `background`, `margin`; see {@link QrOptions}
 * @returns the PNG file's bytes
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for empty or overlong text, a bad option, a
 * colour name, or a `size` smaller than the symbol's width in modules
 * @example
 * ```ts
 * import { buildOtpauthUri, generateSecret, renderQrPng } from 'factorkit';
 *
 * const uri = buildOtpauthUri({ type: 'totp', issuer: 'Example', account: 'alice', secret: generateSecret() });
 * const png = renderQrPng(uri, { size: 296 });
 * // e.g. res.type('image/png').send(png), or attach it to an e-mail (Content-ID) for <img src="cid:...">
 * ```
 */
export function renderQrPng(text: string, options?: QrOptions): Uint8Array {
  const opts = resolveOptions(options);
  const modules = qrModules(utf8Bytes(text), opts.ecl);
  const extent = modules.length + 2 * opts.margin;
  const { size } = opts;
  if (size < extent) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `size must be at least ${extent} pixels for this code: one pixel per module and quiet-zone module`,
    );
  }
  // Which module each pixel column (and row: the image is square) shows.
  const moduleAt = Array.from(
    { length: size },
    (_, pixel) => Math.floor(((pixel + 0.5) * extent) / size) - opts.margin,
  );
  const dark = (row: number, column: number): boolean => modules[row]?.[column] === true;
  const bytesPerRow = Math.ceil(size / 8);
  const data = new Uint8Array(bytesPerRow * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Palette index 1 is the dark colour; PNG packs 1-bit pixels from the high bit.
      if (dark(moduleAt[y]!, moduleAt[x]!)) data[y * bytesPerRow + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const background = hexColor('background', opts.background);
  const color = hexColor('color', opts.color);
  const opaque = background[3] === 255 && color[3] === 255;
  return encode({
    width: size,
    height: size,
    data,
    depth: 1,
    channels: 1,
    palette: opaque ? [background.slice(0, 3), color.slice(0, 3)] : [background, color],
  });
}

/**
 * Like {@link renderQrPng}, but returns a `data:image/png;base64,...` URL for an `<img src>`,
 * built with `btoa` (no `Buffer`), so it works in every runtime. Several e-mail clients block
 * data URLs; attach the bytes of {@link renderQrPng} there instead.
 *
 * @param text - the content, typically a Key URI
 * @param options - as for {@link renderQrPng}
 * @returns the data URL
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` as {@link renderQrPng}
 * @example
 * ```ts
 * import { renderQrPngDataUrl } from 'factorkit';
 *
 * const src = renderQrPngDataUrl('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * const html = `<img src="${src}" width="256" height="256" alt="Scan with your authenticator app">`;
 * ```
 */
export function renderQrPngDataUrl(text: string, options?: QrOptions): string {
  return base64DataUrl('image/png', renderQrPng(text, options));
}
