// The plaintext side of backup codes: generation from the CSPRNG and normalisation of what a
// user types. Nothing here is stored.

/**
 * Crockford's base32 digits without 0 and 1 (Crockford already drops I, L, O and U): 30
 * symbols, none of which is easily mistaken for another when read off paper.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 15 symbols of 30: 15 × log2(30) ≈ 73.6 bits per code (issue 4 asks for at least 64). */
export const CODE_LENGTH = 15;
export const CODE_GROUP_LENGTH = 5;
/** Bits of entropy in one code, for docs and tests. */
export const CODE_ENTROPY_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);

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

// Separators people type or paste: whitespace, ASCII hyphen-minus and the Unicode dashes a
// PDF or word processor substitutes for it.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;
// Longer input than this is not a mistyped code; refusing it early bounds the work.
const MAX_INPUT_LENGTH = 64;

/** A fresh code, unformatted (`CODE_LENGTH` symbols), with every symbol uniform and independent. */
export function randomCode(): string {
  let code = '';
  const buffer = new Uint8Array(CODE_LENGTH * 2);
  while (code.length < CODE_LENGTH) {
    globalThis.crypto.getRandomValues(buffer);
    for (let i = 0; i < buffer.length && code.length < CODE_LENGTH; i++) {
      const byte = buffer[i]!;
      if (byte < ACCEPT_BELOW) code += CODE_ALPHABET[byte % CODE_ALPHABET.length]!;
    }
  }
  buffer.fill(0);
  return code;
}

/**
 * The form shown to the user. Version 2: `3-ABCDE-FGHJK-MNPQR`, the code's position in its
 * set counted from 1, then the symbols in three groups. Version 1 had no position:
 * `ABCDE-FGHJK-MNPQR`.
 */
export function formatCode(code: string, index?: number): string {
  const groups: string[] = index === undefined ? [] : [String(index + 1)];
  for (let i = 0; i < code.length; i += CODE_GROUP_LENGTH) groups.push(code.slice(i, i + CODE_GROUP_LENGTH));
  return groups.join('-');
}

/** What a typed code is made of: its 0-based position if it carries one, and its symbols. */
export interface TypedCode {
  index: number | undefined;
  code: string;
}

// Positions are written 1..20, with or without a leading zero ("03"). 0 and 1 are not code
// symbols; the other digits are, so the position is told apart by the count of symbols after
// it, never by its characters: everything before the last 15 symbols is the position.
const POSITION = /^[0-9]{1,2}$/;

/**
 * What the user typed, read as a code: case ignored, separators removed, the last
 * `CODE_LENGTH` characters the symbols and whatever precedes them (one or two ASCII digits)
 * the 1-based position. Undefined when the input cannot be a code at all: not a string, too
 * long, a character outside the alphabet, a position outside 1..`maxPosition`, or the wrong
 * number of symbols.
 */
export function parseTypedCode(input: unknown, maxPosition: number): TypedCode | undefined {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return undefined;
  const compact = input.replace(SEPARATORS, '');
  if (compact.length < CODE_LENGTH) return undefined;
  const prefix = compact.slice(0, compact.length - CODE_LENGTH);
  let index: number | undefined;
  if (prefix.length > 0) {
    if (!POSITION.test(prefix)) return undefined;
    const position = Number(prefix);
    if (position < 1 || position > maxPosition) return undefined;
    index = position - 1;
  }
  let code = '';
  for (const char of compact.slice(prefix.length)) {
    const symbol = CANONICAL.get(char);
    if (symbol === undefined) return undefined;
    code += symbol;
  }
  return { index, code };
}
