// A small interleaving harness. The machine this runs on is shared and noisy, so instead of
// timing each subject alone (where a burst of background load lands on one subject only) every
// round shuffles the subjects and times one batch of each; a disturbance then spreads over all
// of them. Per-round ratios against a reference subject are paired measurements, which cancel
// most of the drift that per-subject medians alone would keep.

/** One competitor in a case: a call to time and a check of what it returned. */
export interface Subject {
  name: string;
  /** Called N times per batch. Its result goes into a sink so the JIT cannot drop the work. */
  run: () => unknown;
  /** Normalises a result to something comparable across libraries (a code, a delta, null). */
  outcome: (result: unknown) => unknown;
}

export interface BenchCase {
  id: string;
  title: string;
  /** The outcome every subject must produce before timing starts. */
  expected: unknown;
  subjects: Subject[];
  /** Subject names are compared against this one in the ratio column. */
  reference: string;
  /** Overrides for slow cases (backup codes are slow by design). */
  rounds?: number;
  batchMs?: number;
}

export interface SubjectStats {
  name: string;
  callsPerBatch: number;
  /** Median time of one call over all rounds, in nanoseconds. */
  medianNs: number;
  /** The fastest batch: on a loaded machine, the closest to the undisturbed cost. */
  minNs: number;
  /** Interquartile range of the per-round times, in nanoseconds. */
  p25Ns: number;
  p75Ns: number;
  /** Median over rounds of (this subject's per-call time / the reference's) in the same round. */
  ratioToReference: number;
}

export interface CaseResult {
  id: string;
  title: string;
  reference: string;
  rounds: number;
  subjects: SubjectStats[];
}

export interface HarnessOptions {
  rounds: number;
  /** Target duration of one batch; the number of calls per batch is calibrated to reach it. */
  batchMs: number;
  warmupMs: number;
}

let sink: unknown;
/** Read once at the end so that the sink, and everything written to it, stays observable. */
export function sinkValue(): unknown {
  return sink;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function timeBatch(run: () => unknown, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) sink = run();
  return performance.now() - start;
}

function calibrate(run: () => unknown, batchMs: number, warmupMs: number): number {
  // Warm up (JIT tiers, lazily built tables) and estimate the per-call time at the same time.
  let calls = 1;
  let spentMs = 0;
  let perCallMs = Infinity;
  while (spentMs < warmupMs) {
    const elapsedMs = timeBatch(run, calls);
    spentMs += elapsedMs;
    perCallMs = Math.min(perCallMs, elapsedMs / calls);
    if (elapsedMs < warmupMs / 4) calls *= 2;
  }
  return Math.max(1, Math.round(batchMs / perCallMs));
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    // Math.random is fine here: the order only has to vary, not be unpredictable.
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Checks every subject's outcome against the expected one, so a fast but wrong subject (or a
 * subject doing less work than the others) is caught before anything is timed.
 */
export function checkOutcomes(benchCase: BenchCase): void {
  const expected = JSON.stringify(benchCase.expected);
  for (const subject of benchCase.subjects) {
    const actual = JSON.stringify(subject.outcome(subject.run()));
    if (actual !== expected) {
      throw new Error(`${benchCase.id}: ${subject.name} returned ${actual}, expected ${expected}`);
    }
  }
}

export function runCase(benchCase: BenchCase, options: HarnessOptions): CaseResult {
  checkOutcomes(benchCase);
  const rounds = benchCase.rounds ?? options.rounds;
  const batchMs = benchCase.batchMs ?? options.batchMs;
  const subjects = benchCase.subjects;
  const calls = new Map<string, number>();
  for (const subject of subjects) {
    calls.set(subject.name, calibrate(subject.run, batchMs, options.warmupMs));
  }
  const perCallNs = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of shuffle(subjects)) {
      const n = calls.get(subject.name)!;
      perCallNs.get(subject.name)!.push((timeBatch(subject.run, n) / n) * 1e6);
    }
  }
  return summarise(benchCase, rounds, calls, perCallNs);
}

/** An asynchronous subject: each call is awaited before the next one starts. */
export interface AsyncSubject {
  name: string;
  run: () => Promise<unknown>;
  outcome: (result: unknown) => unknown;
}

export interface AsyncBenchCase extends Omit<BenchCase, 'subjects'> {
  subjects: AsyncSubject[];
  /** Calls per batch; slow subjects (a KDF) are timed one call at a time. */
  callsPerBatch: number;
}

/** Like {@link runCase} for promise-returning subjects, without calibration (they are slow). */
export async function runAsyncCase(benchCase: AsyncBenchCase, options: HarnessOptions): Promise<CaseResult> {
  const expected = JSON.stringify(benchCase.expected);
  for (const subject of benchCase.subjects) {
    // The first call doubles as the warm-up.
    const actual = JSON.stringify(subject.outcome(await subject.run()));
    if (actual !== expected) {
      throw new Error(`${benchCase.id}: ${subject.name} returned ${actual}, expected ${expected}`);
    }
  }
  const rounds = benchCase.rounds ?? options.rounds;
  const n = benchCase.callsPerBatch;
  const calls = new Map(benchCase.subjects.map((s) => [s.name, n]));
  const perCallNs = new Map<string, number[]>(benchCase.subjects.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of shuffle(benchCase.subjects)) {
      const start = performance.now();
      for (let i = 0; i < n; i++) sink = await subject.run();
      perCallNs.get(subject.name)!.push(((performance.now() - start) / n) * 1e6);
    }
  }
  return summarise(benchCase, rounds, calls, perCallNs);
}

function summarise(
  benchCase: { id: string; title: string; reference: string; subjects: { name: string }[] },
  rounds: number,
  calls: Map<string, number>,
  perCallNs: Map<string, number[]>,
): CaseResult {
  const subjects = benchCase.subjects;
  const referenceTimes = perCallNs.get(benchCase.reference);
  if (referenceTimes === undefined) throw new Error(`${benchCase.id}: no subject named ${benchCase.reference}`);
  return {
    id: benchCase.id,
    title: benchCase.title,
    reference: benchCase.reference,
    rounds,
    subjects: subjects.map((subject) => {
      const times = perCallNs.get(subject.name)!;
      const sorted = [...times].sort((a, b) => a - b);
      return {
        name: subject.name,
        callsPerBatch: calls.get(subject.name)!,
        medianNs: quantile(sorted, 0.5),
        minNs: sorted[0]!,
        p25Ns: quantile(sorted, 0.25),
        p75Ns: quantile(sorted, 0.75),
        ratioToReference: median(times.map((t, i) => t / referenceTimes[i]!)),
      };
    }),
  };
}

/** Human units: ns below 10 µs, µs below 10 ms, ms above. */
/** The ratio of two subjects' fastest batches: on a loaded machine, the closest to undisturbed. */
export function fastestRatio(result: CaseResult, subject: string): number {
  const fastest = (name: string) => result.subjects.find((s) => s.name === name)!.minNs;
  return fastest(subject) / fastest(result.reference);
}

export function formatDuration(ns: number): string {
  if (ns < 10_000) return `${ns.toFixed(0)} ns`;
  if (ns < 10_000_000) return `${(ns / 1000).toFixed(1)} µs`;
  return `${(ns / 1e6).toFixed(1)} ms`;
}
