// PNG and terminal QR codes decoded by a second real reader, ZBar's zbarimg (Debian's zbar-tools:
// a system tool, so this is in the integration tier, whose globalSetup installs it; the test
// fails, never skips, without it). The terminal text is turned into pixels by the terminal model
// in test/support/terminal-screen.ts. test/unit/qr-raster.test.ts decodes the same renderings
// with jsQR and holds the renderers' own rules.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderQrTerminal } from 'factorkit';
import {
  QR_LEVELS as LEVELS,
  QR_TEXTS as TEXTS,
  SHORT_URI as shortUri,
  pngReadBackCases,
} from '../support/qr-decode.js';
import { DARK_THEME, LIGHT_THEME, screenshot, THEMES } from '../support/terminal-screen.js';

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

describe('renderQrPng decodes with zbarimg', () => {
  it('zbarimg is ZBar', () => {
    expect(execFileSync('zbarimg', ['--version']).toString()).toMatch(/^\d+\.\d+/);
  });

  pngReadBackCases(read, 6);
});

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

  it('the model is honest: a rendering with the half blocks swapped, or shown inverted, reads as nothing', () => {
    const text = renderQrTerminal(shortUri, { style: 'dark-on-light' });
    const swapped = text.replace(/[\u2580\u2584]/g, (c) => (c === '\u2580' ? '\u2584' : '\u2580'));
    expect(read(screenshot(swapped, LIGHT_THEME))).toBeNull();
    // The plain dark-on-light text on a dark theme: light modules where dark ones belong.
    expect(read(screenshot(text, DARK_THEME))).not.toBe(shortUri);
    expect(read(screenshot(text, LIGHT_THEME))).toBe(shortUri);
  });
});
