// A terminal screen model for the terminal QR tests: the text renderQrTerminal prints, turned into
// pixels by rules written from the standards, not from the renderer: ECMA-48 SGR colours (0 reset,
// 30-37 and 90-97 foreground, 40-47 and 100-107 background) and the Unicode block elements'
// shapes (U+2580 UPPER HALF BLOCK covers the top half of its cell, U+2584 LOWER HALF BLOCK the
// bottom half, U+2588 FULL BLOCK all of it).
import { PNG } from 'pngjs';
import type { QrTerminalStyle } from 'factorkit';

export type Rgb = [number, number, number];
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
// ECMA-48 colours 0 (black) and 7 (white); the others render as mid grey, which no code uses.
const sgrColour = (n: number): Rgb => (n === 0 ? BLACK : n === 7 ? WHITE : [128, 128, 128]);

/**
 * A terminal screen: each character cell `scale` pixels wide and `2 * scale` tall, its glyph
 * drawn in the foreground colour over the background colour. Only what the standards say goes
 * in: the SGR parameters and the block elements' shapes; any other character is an error.
 */
export function screenshot(text: string, terminal: { fg: Rgb; bg: Rgb }, scale = 4): Uint8Array {
  const lines = text.split('\n');
  const cells: { top: Rgb; bottom: Rgb }[][] = [];
  for (const line of lines) {
    let fg = terminal.fg;
    let bg = terminal.bg;
    const row: { top: Rgb; bottom: Rgb }[] = [];
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\u001b') {
        // CSI (ESC [) parameters m: Select Graphic Rendition, ECMA-48 §8.3.117.
        const sgr = line.startsWith('\u001b[', i) ? /^\[([\d;]*)m/.exec(line.slice(i + 1)) : null;
        if (!sgr) throw new Error(`unknown escape sequence at ${i}`);
        for (const parameter of (sgr[1] || '0').split(';').map(Number)) {
          if (parameter === 0) [fg, bg] = [terminal.fg, terminal.bg];
          else if (parameter >= 30 && parameter <= 37) fg = sgrColour(parameter - 30);
          else if (parameter >= 40 && parameter <= 47) bg = sgrColour(parameter - 40);
          else throw new Error(`unexpected SGR parameter ${parameter}`);
        }
        i += sgr[0].length;
        continue;
      }
      const shape = { ' ': [false, false], '\u2580': [true, false], '\u2584': [false, true], '\u2588': [true, true] }[
        line[i]!
      ];
      if (!shape) throw new Error(`unexpected character U+${line.codePointAt(i)!.toString(16)}`);
      row.push({ top: shape[0] ? fg : bg, bottom: shape[1] ? fg : bg });
    }
    cells.push(row);
  }
  const columns = Math.max(...cells.map((row) => row.length));
  // A margin of terminal background around the text, as a screen has.
  const border = 2;
  const png = new PNG({ width: (columns + 2 * border) * scale, height: (cells.length + 2 * border) * 2 * scale });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const cell = cells[Math.floor(y / (2 * scale)) - border]?.[Math.floor(x / scale) - border];
      const colour = cell === undefined ? terminal.bg : y % (2 * scale) < scale ? cell.top : cell.bottom;
      png.data.set([...colour, 255], (y * png.width + x) * 4);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

export const DARK_THEME = { fg: [229, 229, 229] as Rgb, bg: [30, 30, 30] as Rgb };
export const LIGHT_THEME = { fg: [20, 20, 20] as Rgb, bg: [250, 250, 250] as Rgb };
export const THEMES: [string, QrTerminalStyle, { fg: Rgb; bg: Rgb }][] = [
  ['ansi on a dark theme', 'ansi', DARK_THEME],
  ['ansi on a light theme', 'ansi', LIGHT_THEME],
  ['dark-on-light on a light theme', 'dark-on-light', LIGHT_THEME],
  ['light-on-dark on a dark theme', 'light-on-dark', DARK_THEME],
];
