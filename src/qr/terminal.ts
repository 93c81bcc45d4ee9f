// QR codes as text for a terminal (a CLI enrolment, a server's first-run setup over SSH). The
// module matrix is the SVG's and the PNG's (symbol.ts); what this file adds is only the mapping
// of two module rows onto one line of Unicode half blocks, which no QR library offers for a
// matrix it did not build itself.
import { FactorkitError } from '../errors/index.js';
import { checkOptionsObject } from '../validation/index.js';
import { MAX_MARGIN_MODULES, type QrErrorCorrectionLevel, checkInteger, checkLevel, utf8Bytes } from './options.js';
import { qrModules } from './symbol.js';

/**
 * How {@link renderQrTerminal} colours the code:
 * - `'ansi'`: ECMA-48 colour codes draw black modules on a white background whatever the
 *   terminal's theme (SGR 30 and 47, reset at each line end);
 * - `'dark-on-light'`: plain characters whose ink is the dark modules, for a terminal (or file,
 *   or web page) that shows dark text on a light background;
 * - `'light-on-dark'`: plain characters whose ink is the light modules, for a terminal that
 *   shows light text on a dark background and no colours.
 *
 * @example
 * ```ts
 * import { renderQrTerminal, type QrTerminalStyle } from 'factorkit';
 *
 * const style: QrTerminalStyle = process.env.NO_COLOR ? 'light-on-dark' : 'ansi';
 * console.log(renderQrTerminal('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP', { style }));
 * ```
 */
export type QrTerminalStyle = 'ansi' | 'dark-on-light' | 'light-on-dark';

/**
 * Options for {@link renderQrTerminal}.
 *
 * @example
 * ```ts
 * import { renderQrTerminal, type QrTerminalOptions } from 'factorkit';
 *
 * const options: QrTerminalOptions = { ecl: 'Q', margin: 2, style: 'dark-on-light' };
 * console.log(renderQrTerminal('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP', options));
 * ```
 */
export interface QrTerminalOptions {
  /** Error-correction level. Default `'M'`. */
  ecl?: QrErrorCorrectionLevel;
  /** Quiet zone in modules, 0 to 64. Default 4 (ISO/IEC 18004); a dark terminal needs all of it. */
  margin?: number;
  /** Default `'ansi'`; see {@link QrTerminalStyle}. */
  style?: QrTerminalStyle;
}

const STYLES: readonly QrTerminalStyle[] = ['ansi', 'dark-on-light', 'light-on-dark'];
// U+2580 UPPER HALF BLOCK, U+2584 LOWER HALF BLOCK, U+2588 FULL BLOCK: a terminal cell is about
// twice as tall as wide, so one character shows two modules, one above the other.
const BLOCKS = [' ', '\u2584', '\u2580', '\u2588'] as const;
const ANSI_BLACK_ON_WHITE = '\u001b[30;47m';
const ANSI_RESET = '\u001b[0m';

/**
 * Renders text (typically a Key URI) as a QR code for a terminal: the same symbol as
 * {@link renderQrSvg}, two module rows per line of Unicode half-block characters (`▀`, `▄`,
 * `█` and spaces), lines joined with `\n`. With the default `style: 'ansi'` the code is drawn
 * black on white with ECMA-48 colour codes, so it scans on dark and light themes alike; the
 * plain styles need a terminal whose text colour is known (see {@link QrTerminalStyle}). The
 * font must draw block elements edge to edge, as terminal fonts do.
 *
 * @param text - the content, at most 2953 bytes of UTF-8 at level L, 2331 at M, 1663 at Q, 1273 at H
 * @param options - `ecl` (default M), `margin` (default 4), `style` (default `'ansi'`)
 * @returns the lines of the code, without a final newline
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for empty or overlong text or a bad option
 * @example
 * ```ts
 * import { buildOtpauthUri, generateSecret, renderQrTerminal } from 'factorkit';
 *
 * const uri = buildOtpauthUri({ type: 'totp', issuer: 'Example', account: 'admin', secret: generateSecret() });
 * console.log(renderQrTerminal(uri));
 * ```
 */
export function renderQrTerminal(text: string, options?: QrTerminalOptions): string {
  const opts = checkOptionsObject(options);
  const ecl = checkLevel(opts.ecl);
  const style = opts.style ?? 'ansi';
  if (typeof style !== 'string' || !(STYLES as readonly string[]).includes(style)) {
    throw new FactorkitError('INVALID_ARGUMENT', "style must be 'ansi', 'dark-on-light' or 'light-on-dark'");
  }
  const margin = checkInteger('margin', opts.margin, 4, 0, MAX_MARGIN_MODULES);
  const modules = qrModules(utf8Bytes(text), ecl);
  const extent = modules.length + 2 * margin;
  // Outside the symbol (the quiet zone, and the half row below an odd last row) is light.
  const dark = (row: number, column: number): boolean => modules[row - margin]?.[column - margin] === true;
  const inked = style === 'light-on-dark' ? (row: number, column: number) => !dark(row, column) : dark;
  const lines: string[] = [];
  for (let row = 0; row < extent; row += 2) {
    let line = '';
    for (let column = 0; column < extent; column++) {
      const top = inked(row, column) ? 2 : 0;
      // The half row below the last row is outside the symbol; light, so inked only when light is.
      const bottom = (row + 1 < extent ? inked(row + 1, column) : style === 'light-on-dark') ? 1 : 0;
      line += BLOCKS[top + bottom];
    }
    lines.push(style === 'ansi' ? `${ANSI_BLACK_ON_WHITE}${line}${ANSI_RESET}` : line);
  }
  return lines.join('\n');
}
