// PNG and terminal QR codes decoded by a real reader: ZBar's zbarimg (Debian's zbar-tools,
// installed by .ci/services.sh; the test fails, never skips, without it). The terminal text is
// turned into pixels by a small terminal model written from the standards, not from the
// renderer: ECMA-48 SGR colours (0 reset, 30-37 and 90-97 foreground, 40-47 and 100-107
// background) and the Unicode block elements' shapes (U+2580 UPPER HALF BLOCK covers the top
// half of its cell, U+2584 LOWER HALF BLOCK the bottom half, U+2588 FULL BLOCK all of it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildMigrationUris,
  buildOtpauthUri,
  encodeBase32,
  isFactorkitError,
  renderQrPng,
  renderQrPngDataUrl,
  renderQrSvg,
  renderQrTerminal,
  type OtpauthRecord,
  type QrErrorCorrectionLevel,
  type QrTerminalStyle,
} from 'factorkit';

const LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];
const dir = mkdtempSync(join(tmpdir(), 'factorkit-zbar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** What zbarimg reads from a PNG: the symbol's bytes (-Sbinary: no charset guessing), or null. */
function zbar(png: Uint8Array): Uint8Array | null {
  const file = join(dir, `${files++}.png`);
  writeFileSync(file, png);
  try {
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Uint8Array(out);
  } catch (error) {
    // zbarimg exits 4 when it finds no symbol; anything else means it is missing or broken.
    if ((error as { status?: number }).status === 4) return null;
    throw new Error('zbarimg failed; install it: apt-get install zbar-tools', { cause: error });
  }
}

/** zbarimg's text for a symbol: its bytes as UTF-8 (it ends binary output without a newline). */
function read(png: Uint8Array): string | null {
  const bytes = zbar(png);
  return bytes && new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
const tenAccounts: OtpauthRecord[] = Array.from({ length: 10 }, (_, i) => ({
  type: 'totp',
  issuer: 'Example Corp',
  account: `user${i}@example.com`,
  secret: encodeBase32(new Uint8Array(20).map((_, j) => (i * 31 + j * 7) & 0xff)),
}));
const migrationUri = buildMigrationUris(tenAccounts, { batchId: 4242 })[0]!;

const TEXTS: [string, string][] = [
  ['an enrolment URI', shortUri],
  ['a long non-ASCII SHA-512 URI', longUri],
  ['a 10-account migration URI', migrationUri],
];

describe('renderQrPng decodes with zbarimg', () => {
  it('zbarimg is ZBar', () => {
    expect(execFileSync('zbarimg', ['--version']).toString()).toMatch(/^\d+\.\d+/);
  });

  for (const [name, text] of TEXTS) {
    it.each(LEVELS)(`${name} at level %s`, (ecl) => {
      // 6 pixels per module: the size is the symbol's width (from the SVG's viewBox) times 6.
      const modules = Number(/viewBox="0 0 (\d+)/.exec(renderQrSvg(text, { ecl }))![1]);
      const png = renderQrPng(text, { ecl, size: modules * 6 });
      const image = PNG.sync.read(Buffer.from(png));
      expect([image.width, image.height]).toEqual([modules * 6, modules * 6]);
      expect(read(png)).toBe(text);
    });
  }

  it('at the default size, with custom colours and a narrow margin, and as a data URL', () => {
    expect(read(renderQrPng(shortUri))).toBe(shortUri);
    const coloured = renderQrPng(shortUri, { color: '#1a237e', background: '#fff8e1', size: 300, margin: 2 });
    const image = PNG.sync.read(Buffer.from(coloured));
    expect([image.width, image.height]).toEqual([300, 300]);
    expect([...image.data.subarray(0, 4)]).toEqual([0xff, 0xf8, 0xe1, 0xff]); // the corner is background
    expect(read(coloured)).toBe(shortUri);
    const url = renderQrPngDataUrl(shortUri, { size: 200 });
    expect(url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(read(Uint8Array.from(atob(url.slice(22)), (c) => c.charCodeAt(0)))).toBe(shortUri);
  });

  it('keeps a translucent background in the palette', () => {
    const image = PNG.sync.read(Buffer.from(renderQrPng(shortUri, { background: '#ffffff00', color: '#000' })));
    expect([...image.data.subarray(0, 4)]).toEqual([255, 255, 255, 0]);
  });

  it('is a small 1-bit image', () => {
    const png = renderQrPng(shortUri);
    expect(png[25]).toBe(3); // IHDR colour type 3: indexed colour
    expect(png[24]).toBe(1); // bit depth 1
    expect(png.length).toBeLessThan(2000);
  });

  it('refuses bad options with INVALID_ARGUMENT', () => {
    const codeOf = (options: unknown) => {
      try {
        renderQrPng(shortUri, options as never);
      } catch (error) {
        return isFactorkitError(error) ? error.code : 'other';
      }
      return undefined;
    };
    for (const options of [{ color: 'red' }, { size: 20 }, { size: 0 }, { ecl: 'X' }, { margin: -1 }, null]) {
      expect(codeOf(options), JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    }
  });
});

type Rgb = [number, number, number];
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
// ECMA-48 colours 0 (black) and 7 (white); the others render as mid grey, which no code uses.
const sgrColour = (n: number): Rgb => (n === 0 ? BLACK : n === 7 ? WHITE : [128, 128, 128]);

/**
 * A terminal screen: each character cell `scale` pixels wide and `2 * scale` tall, its glyph
 * drawn in the foreground colour over the background colour. Only what the standards say goes
 * in: the SGR parameters and the block elements' shapes; any other character is an error.
 */
function screenshot(text: string, terminal: { fg: Rgb; bg: Rgb }, scale = 4): Uint8Array {
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

const DARK_THEME = { fg: [229, 229, 229] as Rgb, bg: [30, 30, 30] as Rgb };
const LIGHT_THEME = { fg: [20, 20, 20] as Rgb, bg: [250, 250, 250] as Rgb };
const THEMES: [string, QrTerminalStyle, { fg: Rgb; bg: Rgb }][] = [
  ['ansi on a dark theme', 'ansi', DARK_THEME],
  ['ansi on a light theme', 'ansi', LIGHT_THEME],
  ['dark-on-light on a light theme', 'dark-on-light', LIGHT_THEME],
  ['light-on-dark on a dark theme', 'light-on-dark', DARK_THEME],
];

describe('renderQrTerminal decodes with zbarimg once drawn as a terminal draws it', () => {
  for (const [name, text] of TEXTS) {
    it.each(LEVELS)(`${name}, ansi on a dark theme, level %s`, (ecl) => {
      expect(read(screenshot(renderQrTerminal(text, { ecl }), DARK_THEME))).toBe(text);
    });
  }

  it.each(THEMES)('every style on the theme it is for: %s', (_, style, theme) => {
    for (const margin of [4, 1]) {
      expect(read(screenshot(renderQrTerminal(shortUri, { style, margin }), theme)), `margin ${margin}`).toBe(shortUri);
    }
  });

  it('two module rows per line, one module per column', () => {
    const text = renderQrTerminal(shortUri, { style: 'dark-on-light', margin: 0 });
    const modules = Number(/viewBox="0 0 (\d+)/.exec(renderQrSvg(shortUri, { margin: 0 }))![1]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(Math.ceil(modules / 2));
    for (const line of lines) expect([...line]).toHaveLength(modules);
    expect(text.endsWith('\n')).toBe(false);
  });

  it('the model is honest: a rendering with the half blocks swapped, or shown inverted, reads as nothing', () => {
    const text = renderQrTerminal(shortUri, { style: 'dark-on-light' });
    const swapped = text.replace(/[\u2580\u2584]/g, (c) => (c === '\u2580' ? '\u2584' : '\u2580'));
    expect(read(screenshot(swapped, LIGHT_THEME))).toBeNull();
    // The plain dark-on-light text on a dark theme: light modules where dark ones belong.
    expect(read(screenshot(text, DARK_THEME))).not.toBe(shortUri);
    expect(read(screenshot(text, LIGHT_THEME))).toBe(shortUri);
  });

  it('refuses bad options with INVALID_ARGUMENT', () => {
    for (const options of [{ style: 'fancy' }, { ecl: 'm' }, { margin: 65 }, null, 'ansi']) {
      let code: string | undefined;
      try {
        renderQrTerminal(shortUri, options as never);
      } catch (error) {
        code = isFactorkitError(error) ? error.code : 'other';
      }
      expect(code, JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    }
    expect(() => renderQrTerminal('')).toThrow();
  });
});
