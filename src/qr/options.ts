// Options shared by every QR rendering (SVG, PNG, terminal), checked in one place.
import { FactorkitError } from '../errors/index.js';
import { checkOptionsObject } from '../validation/index.js';

/** QR error-correction level: recovers about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) damage. */
export type QrErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

/** Options for {@link renderQrSvg}, {@link renderQrDataUrl}, {@link renderQrPng} and {@link renderQrPngDataUrl}. */
export interface QrOptions {
  /** Error-correction level. Default `'M'`; higher levels make denser codes. */
  ecl?: QrErrorCorrectionLevel;
  /** Rendered width and height in pixels, an integer from 1 to 8192. Default 256. */
  size?: number;
  /**
   * Colour of the dark modules: `#rgb`, `#rrggbb` (with optional alpha) or, for SVG only, a CSS
   * colour name. Default `'#000000'`.
   */
  color?: string;
  /** Background colour, same forms as `color`. Default `'#ffffff'`. */
  background?: string;
  /**
   * Quiet zone around the code, in modules, 0 to 64. Default 4, the width ISO/IEC 18004
   * requires; scanners may fail on less unless the page around the code is blank.
   */
  margin?: number;
}

export const LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];
const MAX_SIZE_PX = 8192;
export const MAX_MARGIN_MODULES = 64;
// Only forms that cannot break out of an XML attribute.
const COLOR = /^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{1,32})$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface ResolvedQrOptions {
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

export function checkInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** The error-correction level option: one of LEVELS, default `'M'`. */
export function checkLevel(value: unknown): QrErrorCorrectionLevel {
  const ecl = value ?? 'M';
  if (typeof ecl !== 'string' || !(LEVELS as readonly string[]).includes(ecl)) {
    throw new FactorkitError('INVALID_ARGUMENT', "ecl must be 'L', 'M', 'Q' or 'H'");
  }
  return ecl as QrErrorCorrectionLevel;
}

export function resolveOptions(options: unknown): ResolvedQrOptions {
  const opts = checkOptionsObject(options);
  const ecl = checkLevel(opts.ecl);
  const color = checkColor('color', opts.color, '#000000');
  const background = checkColor('background', opts.background, '#ffffff');
  if (color.toLowerCase() === background.toLowerCase()) {
    throw new FactorkitError('INVALID_ARGUMENT', 'color and background must differ, or nothing can scan the code');
  }
  return {
    ecl,
    size: checkInteger('size', opts.size, 256, 1, MAX_SIZE_PX),
    color,
    background,
    margin: checkInteger('margin', opts.margin, 4, 0, MAX_MARGIN_MODULES),
  };
}

/** The UTF-8 bytes of `text`, which must be a non-empty string with a UTF-8 form. */
export function utf8Bytes(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'text must be a non-empty string');
  }
  if (LONE_SURROGATE.test(text)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'text contains an unpaired surrogate and has no UTF-8 form');
  }
  return new TextEncoder().encode(text);
}

/** A `data:` URL of `bytes` (an SVG's UTF-8, a PNG file), base64-encoded with the Web platform's btoa. */
export function base64DataUrl(mimeType: string, bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:${mimeType};base64,${btoa(binary)}`;
}
