// Records this process has parsed (or written) lately, by user: a load whose stored text is
// exactly the text of the cached entry takes the cached state instead of parsing and validating
// it again, and a write builds its text from the parts that did not change. A sign-in reads a
// record it wrote itself (the last sign-in, the enrollment) far more often than one someone else
// did, and parsing plus serialising was most of its cost.
//
// Safe because the key is the whole stored text: any other text, whoever wrote it (another
// process, or someone editing the database), is parsed and validated as before. Every cached
// state is frozen, deeply, so no decision can change it in place: the lifecycle's decisions
// build new objects, and a mistake that did not would throw in strict mode instead of changing
// what the next call reads (arrays: see deepFreeze).
import type { RecordState } from '../kernel/record.js';

/**
 * Users whose last record is kept. An entry is the stored text and its parsed state: 2.1 kB
 * measured for an account with one authenticator and five backup codes (1 kB of text), so
 * about 21 MB when full: the price of not parsing on the hot path (the sealer keeps as many
 * opened secrets).
 */
const MAX_ENTRIES = 10_000;

/**
 * Every object `value` holds, frozen (objects already frozen are not walked again). Arrays are
 * walked but not frozen: V8 takes slow paths for frozen arrays (`filter` measured 6x slower,
 * `map` 3x), and the lifecycle filters its factor list several times per call; freezing them cost
 * a cached sign-in about 10 % and an uncached one 15 %. The state's own lists are `readonly` in
 * its type instead (kernel/record.ts), so code that would change one in place does not compile.
 */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for...in rather than Object.values: no array per object on the sign-in path. States are
    // plain data (object literals and arrays), so it sees every own value.
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

export class ParsedStates {
  private readonly entries = new Map<string, { data: string; state: RecordState }>();

  /** The state of `data` when it is exactly the text cached for `userId`. */
  get(userId: string, data: string): RecordState | undefined {
    const entry = this.entries.get(userId);
    return entry !== undefined && entry.data === data ? entry.state : undefined;
  }

  /** Keeps `state` (frozen) as what `data` holds for `userId`; the oldest entry goes when full. */
  set(userId: string, data: string, state: RecordState): void {
    this.entries.delete(userId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { data, state: deepFreeze(state) });
  }

  delete(userId: string): void {
    this.entries.delete(userId);
  }
}

/** JSON text of frozen parts of a state, by identity: a part that did not change is not serialised again. */
const serialised = new WeakMap<object, string>();

/**
 * `jsonOf` of a part that outlives most writes (a backup-code set is made once and then read by
 * every sign-in): frozen first, so its text is kept from the write that made it instead of being
 * serialised again by the next write. Parts that change on most writes (a factor's replay state,
 * the throttle) go through `jsonOf` unfrozen: keeping their text would only feed the collector.
 */
export function lastingJsonOf(part: object | null): string {
  return jsonOf(part === null ? null : deepFreeze(part));
}

/** `JSON.stringify(part)`, from the cache when the part is frozen (and so cannot have changed). */
export function jsonOf(part: object | null): string {
  if (part === null || !Object.isFrozen(part)) return JSON.stringify(part);
  let text = serialised.get(part);
  if (text === undefined) {
    text = JSON.stringify(part);
    serialised.set(part, text);
  }
  return text;
}
