// The PNG and terminal QR renderers: their own rules, and every rendering decoded back by jsQR
// (test/support/qr-decode.ts), the terminal text first drawn as a terminal draws it
// (test/support/terminal-screen.ts). The same renderings are read by ZBar's zbarimg, a second,
// system-installed reader, in the integration tier (test/integration/qr-zbar.test.ts).
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { isFactorkitError, renderQrPng, renderQrSvg, renderQrTerminal } from 'factorkit';
import {
  decodePng,
  QR_LEVELS as LEVELS,
  QR_TEXTS,
  SHORT_URI as shortUri,
  pngReadBackCases,
} from '../support/qr-decode.js';
import { DARK_THEME, LIGHT_THEME, screenshot, THEMES } from '../support/terminal-screen.js';

const read = (png: Uint8Array): string | undefined => decodePng(png)?.data;

describe('renderQrPng', () => {
  describe('decodes with jsQR', () => pngReadBackCases(read, 4));

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

describe('renderQrTerminal', () => {
  for (const [name, text] of QR_TEXTS) {
    it.each(LEVELS)(`${name}, ansi on a dark theme, level %s, decodes with jsQR once drawn`, (ecl) => {
      expect(read(screenshot(renderQrTerminal(text, { ecl }), DARK_THEME))).toBe(text);
    });
  }

  it.each(THEMES)('every style on the theme it is for decodes: %s', (_, style, theme) => {
    for (const margin of [4, 1]) {
      expect(read(screenshot(renderQrTerminal(shortUri, { style, margin }), theme)), `margin ${margin}`).toBe(shortUri);
    }
  });

  it('a rendering with the half blocks swapped, or shown on the wrong theme, does not decode', () => {
    const text = renderQrTerminal(shortUri, { style: 'dark-on-light' });
    const swapped = text.replace(/[\u2580\u2584]/g, (c) => (c === '\u2580' ? '\u2584' : '\u2580'));
    expect(read(screenshot(swapped, LIGHT_THEME))).toBeUndefined();
    expect(read(screenshot(text, DARK_THEME))).not.toBe(shortUri);
    expect(read(screenshot(text, LIGHT_THEME))).toBe(shortUri);
  });

  it('two module rows per line, one module per column', () => {
    const text = renderQrTerminal(shortUri, { style: 'dark-on-light', margin: 0 });
    const modules = Number(/viewBox="0 0 (\d+)/.exec(renderQrSvg(shortUri, { margin: 0 }))![1]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(Math.ceil(modules / 2));
    for (const line of lines) expect([...line]).toHaveLength(modules);
    expect(text.endsWith('\n')).toBe(false);
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
