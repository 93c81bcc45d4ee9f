// Issue 28: does a sign-in cost the same with 1k and with 100k users? TOTP sign-ins through
// createTwoFactor at concurrency 16, each by a different user picked at random among all of the
// store's users (as real traffic is spread), on MemoryStore and on a SQLite file, at the two store
// sizes. Sign-ins per second at 100k over those at 1k: at least 0.8 is flat.
//
// Each size has its own store and its own createTwoFactor, enrolled through the lifecycle itself
// (every user a real secret and backup codes); rounds alternate between the two sizes.
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MemoryStore, type TwoFactor, type TwoFactorStore, decodeBase32, generateTotp } from 'factorkit';
import { SqliteStore } from 'factorkit/sqlite';
import { benchLifecycle } from './lifecycle-cases.js';

const SIZES = [1_000, 100_000] as const;
const CONCURRENCY = 16;
const SIGN_INS_PER_ROUND = 2_000;
const ROUNDS = 5;
const STEP_MS = 30_000;
export const FLAT_TARGET = { min: 0.8, description: 'sign-ins per second with 100k users over those with 1k' };

interface Population {
  twoFactor: TwoFactor;
  secrets: Uint8Array[];
  close: () => void;
}

interface StoreKind {
  name: string;
  make: (size: number) => { store: TwoFactorStore; close: () => void };
}

const KINDS: StoreKind[] = [
  { name: 'MemoryStore', make: () => ({ store: new MemoryStore(), close: () => {} }) },
  {
    name: 'SqliteStore (file, WAL)',
    make: (size) => {
      const file = `/tmp/factorkit-bench-flat-${process.pid}-${size}.db`;
      const database = new Database(file);
      return {
        store: new SqliteStore({ client: database, table: 'factorkit_bench_flat' }),
        close: () => {
          database.close();
          rmSync(file, { force: true });
          rmSync(`${file}-wal`, { force: true });
          rmSync(`${file}-shm`, { force: true });
        },
      };
    },
  },
];

async function populate(kind: StoreKind, size: number, clock: () => number): Promise<Population> {
  const { store, close } = kind.make(size);
  await (store as { migrate?: () => Promise<void> }).migrate?.();
  const twoFactor = benchLifecycle({ store, clock });
  const secrets: Uint8Array[] = [];
  for (let i = 0; i < size; i++) {
    const { secret } = await twoFactor.beginEnrollment(`user-${i}`, { account: 'ada@example.com' });
    await twoFactor.confirmEnrollment(`user-${i}`, generateTotp(secret, { time: clock() }));
    secrets.push(decodeBase32(secret));
  }
  return { twoFactor, secrets, close };
}

/** Distinct users at random: a user signs in at most once per step (a second use is a replay). */
function randomUsers(size: number, count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, size)) picked.add(Math.floor(Math.random() * size));
  return [...picked];
}

/** Sign-ins per second: `users` sign in with this step's code, `CONCURRENCY` at a time. */
async function signInRate(population: Population, users: number[], nowMs: number): Promise<number> {
  const codes = users.map((i) => generateTotp(population.secrets[i]!, { time: nowMs }));
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const at = next++;
      const result = await population.twoFactor.verify(`user-${users[at]}`, codes[at]!);
      if (!result.ok) throw new Error(`flat bench: a sign-in failed (${result.reason})`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return users.length / ((performance.now() - start) / 1000);
}

export interface FlatResult {
  store: string;
  perSecond: Record<number, number>;
  ratio: number;
  met: boolean;
}

async function measureKind(kind: StoreKind): Promise<FlatResult> {
  let now = 1_767_225_600_000;
  const clock = () => now;
  const populations = [];
  for (const size of SIZES) populations.push(await populate(kind, size, clock));
  const best = SIZES.map(() => 0);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      now += STEP_MS; // a new step: every code of it is unused
      for (const [index, size] of SIZES.entries()) {
        const users = randomUsers(size, size === SIZES[0] ? size : SIGN_INS_PER_ROUND);
        best[index] = Math.max(
          best[index]!,
          await signInRate(populations[index]!, users.slice(0, SIGN_INS_PER_ROUND), now),
        );
      }
    }
  } finally {
    for (const population of populations) population.close();
  }
  const ratio = best[1]! / best[0]!;
  return {
    store: kind.name,
    perSecond: { [SIZES[0]]: best[0]!, [SIZES[1]]: best[1]! },
    ratio,
    met: ratio >= FLAT_TARGET.min,
  };
}

/** Runs the flatness case on both stores, prints its lines, and returns the results. */
export async function runFlatCases(): Promise<FlatResult[]> {
  console.log(
    `\nTOTP sign-ins per second at concurrency ${CONCURRENCY}, users at random, 1k vs 100k users, best of ${ROUNDS} rounds  [sign-in-flatness]`,
  );
  const results: FlatResult[] = [];
  for (const kind of KINDS) {
    const result = await measureKind(kind);
    results.push(result);
    console.log(
      `${result.met ? 'met   ' : 'MISSED'}  ${kind.name.padEnd(24)} ${Math.round(result.perSecond[SIZES[0]]!)} /s with 1k, ` +
        `${Math.round(result.perSecond[SIZES[1]]!)} /s with 100k: ${result.ratio.toFixed(2)}x (at least ${FLAT_TARGET.min}x)`,
    );
  }
  return results;
}
