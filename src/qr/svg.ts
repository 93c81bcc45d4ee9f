import { type QrOptions, base64DataUrl, resolveOptions, utf8Bytes } from './options.js';
import { qrModules } from './symbol.js';

export type { QrErrorCorrectionLevel, QrOptions } from './options.js';

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
  return base64DataUrl('image/svg+xml', new TextEncoder().encode(renderQrSvg(text, options)));
}
