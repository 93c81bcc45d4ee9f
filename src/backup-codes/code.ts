// The plaintext side of backup codes: generation from the CSPRNG and normalisation of what a
// user types. Nothing here is stored.
import { MAX_CODE_INPUT_LENGTH } from '../validation/index.js';

/**
 * Crockford's base32 digits without 0 and 1 (Crockford already drops I, L, O and U): 30
 * symbols, none of which is easily mistaken for another when read off paper.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Symbols per code in set format 3 (what is generated now), shown in groups of 4: `7KQ4-MXR2-TF9H-C3WN`. */
export const CODE_LENGTH = 16;
export const CODE_GROUP_LENGTH = 4;
/** Symbols per code in set formats 1 and 2, shown in groups of 5 (format 2 after its position). */
export const LEGACY_CODE_LENGTH = 15;
/** Codes per set: at most 20, in every format. */
export const MAX_CODES_PER_SET = 20;

/** Bits of entropy in one code of format 3: 16 × log2(30) ≈ 78.5. */
export const CODE_ENTROPY_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);
/**
 * Bits an offline search for a code faces, the lower over the formats verified, which the KDF
 * minimum is computed from. Format 2 (a salt per code): a code's own 15 × log2(30) ≈ 73.6
 * bits. Format 3 (one salt per set): each guess is checked against every digest of the set at
 * once, so finding one of 20 codes costs log2(20) ≈ 4.3 bits less than one code's 78.5: 74.2,
 * still above format 2's 73.6. The 16th symbol exists to pay for the shared salt.
 */
export const SEARCH_BITS = Math.min(
  LEGACY_CODE_LENGTH * Math.log2(CODE_ALPHABET.length),
  CODE_ENTROPY_BITS - Math.log2(MAX_CODES_PER_SET),
);

// Largest multiple of the alphabet size that fits in a byte: bytes at or above it are
// rejected so that `byte % 30` is exactly uniform (240 = 8 × 30; 6.25% of bytes rejected).
const ACCEPT_BELOW = 256 - (256 % CODE_ALPHABET.length);

// Accepted input characters mapped to their canonical (upper-case) symbol; built from the
// ASCII alphabet so that Unicode case mapping ('ſ'.toUpperCase() === 'S') cannot sneak in.
const CANONICAL = new Map<string, string>();
for (const symbol of CODE_ALPHABET) {
  CANONICAL.set(symbol, symbol);
  CANONICAL.set(symbol.toLowerCase(), symbol);
}

// Separators people type or paste: whitespace (\s covers the no-break spaces U+00A0, U+202F
// and U+2007 too), ASCII hyphen-minus and the Unicode dashes a PDF or word processor
// substitutes for it (hyphen, en dash, em dash, minus sign).
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;

/** A fresh code, unformatted (`length` symbols), with every symbol uniform and independent. */
export function randomCode(length: number = CODE_LENGTH): string {
  let code = '';
  const buffer = new Uint8Array(length * 2);
  while (code.length < length) {
    globalThis.crypto.getRandomValues(buffer);
    for (let i = 0; i < buffer.length && code.length < length; i++) {
      const byte = buffer[i]!;
      if (byte < ACCEPT_BELOW) code += CODE_ALPHABET[byte % CODE_ALPHABET.length]!;
    }
  }
  buffer.fill(0);
  return code;
}

/** The form shown to the user, format 3: the symbols in groups of 4, `7KQ4-MXR2-TF9H-C3WN`. */
export function formatCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += CODE_GROUP_LENGTH) groups.push(code.slice(i, i + CODE_GROUP_LENGTH));
  return groups.join('-');
}

/**
 * What the user typed with case ignored and separators removed: upper-cased alphabet symbols
 * and, unchanged, any ASCII digit outside the alphabet (0 and 1 can only be part of a format-2
 * position). Undefined when the input cannot be a code of any format: not a string, longer
 * than `MAX_CODE_INPUT_LENGTH`, or holding any other character.
 */
export function compactTypedCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_CODE_INPUT_LENGTH) return undefined;
  let compact = '';
  for (const char of input.replace(SEPARATORS, '')) {
    const symbol = CANONICAL.get(char) ?? (char === '0' || char === '1' ? char : undefined);
    if (symbol === undefined) return undefined;
    compact += symbol;
  }
  return compact;
}

/** True when `compact` is exactly `length` alphabet symbols. */
export function isSymbols(compact: string, length: number): boolean {
  if (compact.length !== length) return false;
  for (const char of compact) if (char === '0' || char === '1') return false;
  return true;
}

/** A format-2 code as typed: its 0-based position and its symbols. */
export interface PositionedCode {
  index: number;
  code: string;
}

// Positions are written 1..20, with or without a leading zero ("03"). 0 and 1 are not code
// symbols; the other digits are, so the position is told apart by the count of symbols after
// it, never by its characters: everything before the last 15 symbols is the position.
const POSITION = /^[0-9]{1,2}$/;

/**
 * A compact input read as a format-2 code, `3-ABCDE-FGHJK-MNPQR`: the last 15 characters
 * the symbols, whatever precedes them (one or two ASCII digits) the 1-based position.
 * Undefined without a position, with a position outside 1..`maxPosition`, or with anything
 * else that is not a symbol.
 */
export function parsePositionedCode(compact: string, maxPosition: number): PositionedCode | undefined {
  if (compact.length <= LEGACY_CODE_LENGTH) return undefined;
  const prefix = compact.slice(0, compact.length - LEGACY_CODE_LENGTH);
  const code = compact.slice(prefix.length);
  if (!POSITION.test(prefix) || !isSymbols(code, LEGACY_CODE_LENGTH)) return undefined;
  const position = Number(prefix);
  if (position < 1 || position > maxPosition) return undefined;
  return { index: position - 1, code };
}
