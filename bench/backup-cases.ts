// Backup codes, factorkit only (no peer has hashed backup codes): one check (valid and invalid
// code) with the native and the portable scrypt, generating the default set, and
// confirmEnrollment with the default backup codes. Each call is timed on its own, wall time
// and event-loop utilisation (the share of that time the main thread was busy, from
// performance.eventLoopUtilization() over the call); every round runs every subject once, in
// a shuffled order, so background load spreads over all of them. Targets from issue 15.
import { readFileSync } from 'node:fs';
import { scrypt as nodeScrypt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import {
  MemoryStore,
  createTwoFactor,
  defaultScryptImplementation,
  generateBackupCodes,
  generateTotp,
  verifyBackupCode,
  type BackupCodeSetV1,
  type ScryptImplementation,
} from 'factorkit';
import { formatDuration, type CaseResult, type SubjectStats } from './harness.js';
import { TIME_MS } from './fixtures.js';

const CONTEXT = 'user-42';
const ROUNDS = 15;

interface Subject {
  name: string;
  caseId: 'backup-verify' | 'backup-generate';
  run: () => Promise<unknown>;
  /** Checked once before timing, so a subject that does less work than claimed is caught. */
  ok: (result: unknown) => boolean;
}

interface Sample {
  ms: number;
  elu: number;
}

/** A target of issue 15, checked against a subject's median. */
export interface BackupTarget {
  description: string;
  subject: string;
  measure: 'wall' | 'elu';
  max: number;
  value: number;
  met: boolean;
}

/** {@link SubjectStats} plus the main thread's share of the call. */
export interface BackupSubjectStats extends SubjectStats {
  medianEventLoopUtilization: number;
  maxNs: number;
}

/** A {@link CaseResult} with those statistics and the targets checked on it. */
export type BackupCase = Omit<CaseResult, 'subjects'> & { subjects: BackupSubjectStats[]; targets: BackupTarget[] };

const valid = (result: unknown) => (result as { valid: boolean }).valid;
/** A wrong code that reached the KDF: `invalid`, not `malformed` (which costs nothing). */
const invalid = (result: unknown) => (result as { reason?: string }).reason === 'invalid';
const isBytes = (result: unknown) => result instanceof Uint8Array;

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function timed(run: () => Promise<unknown>): Promise<Sample> {
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  return { ms, elu: performance.eventLoopUtilization(elu).utilization };
}

async function subjects(): Promise<{ list: Subject[]; defaults: string }> {
  const { codes, set } = await generateBackupCodes({ context: CONTEXT });
  const { N, r, p } = set.kdf;
  const code = codes[codes.length - 1]!;
  // The same shape as a real code, one symbol changed, so it reaches the KDF (a malformed one would not).
  const wrong = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
  const check = (input: string, scrypt: ScryptImplementation) => () =>
    verifyBackupCode(input, set, { context: CONTEXT, scrypt });

  const fixtures = JSON.parse(readFileSync(new URL('../test/support/backup-codes-v1.json', import.meta.url), 'utf8'));
  const v1 = fixtures.default as { codes: string[]; set: BackupCodeSetV1 };
  const v1Params = `N=2^${Math.log2(v1.set.kdf.N)}, r=${v1.set.kdf.r}, p=${v1.set.kdf.p}`;

  const salt = new Uint8Array(40);
  const password = new TextEncoder().encode('ABCDEFGHJKMNPQR');

  // confirmEnrollment with the defaults over MemoryStore: a fresh user per call, enrolled
  // beforehand (not timed), so that the timed call is exactly one confirmation.
  const twoFactor = createTwoFactor({
    store: new MemoryStore(),
    issuer: 'Bench',
    clock: () => TIME_MS,
    keyring: { currentKeyId: 'bench', keys: { bench: crypto.getRandomValues(new Uint8Array(32)) } },
    warn: () => {},
  });
  const pending: Array<{ userId: string; code: string }> = [];
  // One user per timed call and one for the warm-up.
  for (let i = 0; i <= ROUNDS; i++) {
    const userId = `bench-${i}`;
    const { secret } = await twoFactor.beginEnrollment(userId, { account: `${userId}@example.com` });
    pending.push({ userId, code: generateTotp(secret, { time: TIME_MS }) });
  }

  const defaults = `${codes.length} codes, scrypt N=2^${Math.log2(N)}, r=${r}, p=${p}`;
  const list: Subject[] = [
    { name: 'check, native, valid', caseId: 'backup-verify', run: check(code, 'native'), ok: valid },
    { name: 'check, native, invalid', caseId: 'backup-verify', run: check(wrong, 'native'), ok: invalid },
    { name: 'check, portable, valid', caseId: 'backup-verify', run: check(code, 'portable'), ok: valid },
    {
      name: 'check, portable, invalid',
      caseId: 'backup-verify',
      run: check(wrong, 'portable'),
      ok: invalid,
    },
    {
      name: `check, version-1 set (${v1Params}), native`,
      caseId: 'backup-verify',
      run: () => verifyBackupCode(v1.codes[0]!, v1.set),
      ok: valid,
    },
    {
      name: 'limit: node:crypto scrypt alone',
      caseId: 'backup-verify',
      run: () =>
        new Promise<Uint8Array>((resolve, reject) =>
          nodeScrypt(password, salt, 32, { N, r, p }, (error, key) => (error ? reject(error) : resolve(key))),
        ),
      ok: isBytes,
    },
    {
      name: 'limit: noble scryptAsync alone',
      caseId: 'backup-verify',
      run: () => scryptAsync(password, salt, { N, r, p, dkLen: 32 }),
      ok: isBytes,
    },
    {
      name: `generate the default set (${codes.length} codes), native`,
      caseId: 'backup-generate',
      run: () => generateBackupCodes({ context: CONTEXT, scrypt: 'native' }),
      ok: (x) => (x as { codes: string[] }).codes.length === codes.length,
    },
    {
      name: `generate the default set (${codes.length} codes), portable`,
      caseId: 'backup-generate',
      run: () => generateBackupCodes({ context: CONTEXT, scrypt: 'portable' }),
      ok: (x) => (x as { codes: string[] }).codes.length === codes.length,
    },
    {
      name: 'confirmEnrollment (default backup codes, MemoryStore)',
      caseId: 'backup-generate',
      run: () => {
        const { userId, code: totp } = pending.pop()!;
        return twoFactor.confirmEnrollment(userId, totp);
      },
      ok: (x) => (x as { ok: boolean }).ok,
    },
  ];
  return { list, defaults };
}

function stats(name: string, samples: Sample[], reference: Sample[]): BackupSubjectStats {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const elu = samples.map((s) => s.elu).sort((a, b) => a - b);
  const ratios = samples.map((s, i) => s.ms / reference[i]!.ms).sort((a, b) => a - b);
  return {
    name,
    callsPerBatch: 1,
    medianNs: quantile(ms, 0.5) * 1e6,
    minNs: ms[0]! * 1e6,
    maxNs: ms.at(-1)! * 1e6,
    p25Ns: quantile(ms, 0.25) * 1e6,
    p75Ns: quantile(ms, 0.75) * 1e6,
    ratioToReference: quantile(ratios, 0.5),
    medianEventLoopUtilization: quantile(elu, 0.5),
  };
}

function printTable(result: BackupCase): void {
  console.log(`\n${result.title}  [${result.id}, ${result.rounds} rounds, one call per round]`);
  const header = ['subject', 'median', 'p25 – p75', 'slowest', 'main thread busy (median ELU)'];
  const rows = result.subjects.map((s) => [
    s.name,
    formatDuration(s.medianNs),
    `${formatDuration(s.p25Ns)} – ${formatDuration(s.p75Ns)}`,
    formatDuration(s.maxNs),
    `${(s.medianEventLoopUtilization * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

const TARGETS: Array<Omit<BackupTarget, 'value' | 'met'>> = [
  { description: 'one check at most 0.3 s wall', subject: 'check, native, valid', measure: 'wall', max: 0.3 },
  { description: 'one check at most 0.3 s wall', subject: 'check, native, invalid', measure: 'wall', max: 0.3 },
  {
    description: 'main thread busy at most 25% of a check',
    subject: 'check, native, valid',
    measure: 'elu',
    max: 0.25,
  },
  {
    description: 'main thread busy at most 25% of a check',
    subject: 'check, native, invalid',
    measure: 'elu',
    max: 0.25,
  },
  {
    description: 'default set generated well under 0.5 s (at most 0.25 s)',
    subject: 'generate the default set (5 codes), native',
    measure: 'wall',
    max: 0.25,
  },
  {
    description: 'confirmEnrollment at most 0.5 s wall',
    subject: 'confirmEnrollment (default backup codes, MemoryStore)',
    measure: 'wall',
    max: 0.5,
  },
];

/**
 * Runs the backup-code cases that `wanted` selects (ids `backup-verify`, `backup-generate`),
 * prints their tables and targets, and returns them for the JSON report (each case carries
 * its targets).
 */
export async function runBackupCases(wanted: (id: string) => boolean = () => true): Promise<CaseResult[]> {
  const { list, defaults } = await subjects();
  const all = list.filter((s) => wanted(s.caseId));
  if (all.length === 0) return [];
  console.log(
    `\nBackup codes: scrypt 'auto' is ${defaultScryptImplementation()} here; ` +
      `UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );
  for (const subject of all) {
    // The first call doubles as the warm-up.
    if (!subject.ok(await subject.run())) throw new Error(`backup bench: ${subject.name} gave a wrong result`);
  }
  const samples = new Map<string, Sample[]>(all.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const subject of shuffle(all)) samples.get(subject.name)!.push(await timed(subject.run));
  }

  const cases: BackupCase[] = [];
  const titles = {
    'backup-verify': `backup-code check (default set: ${defaults})`,
    'backup-generate': 'backup-code generation (default set) and confirmEnrollment',
  };
  for (const id of ['backup-verify', 'backup-generate'] as const) {
    const members = all.filter((s) => s.caseId === id);
    if (members.length === 0) continue;
    const reference = members[0]!.name;
    const subjectStats = members.map((s) => stats(s.name, samples.get(s.name)!, samples.get(reference)!));
    const targets = TARGETS.flatMap((target) => {
      const s = subjectStats.find((x) => x.name === target.subject);
      if (s === undefined) return [];
      const value = target.measure === 'wall' ? s.medianNs / 1e9 : s.medianEventLoopUtilization;
      return [{ ...target, value, met: value <= target.max }];
    });
    const result = { id, title: titles[id], reference, rounds: ROUNDS, subjects: subjectStats, targets };
    cases.push(result);
    printTable(result);
  }

  console.log('\nBackup-code targets (medians over the rounds above)');
  for (const t of cases.flatMap((c) => c.targets)) {
    const value = t.measure === 'wall' ? `${(t.value * 1000).toFixed(0)} ms` : `${(t.value * 100).toFixed(1)}%`;
    const max = t.measure === 'wall' ? `${t.max * 1000} ms` : `${t.max * 100}%`;
    console.log(`${t.met ? 'met   ' : 'MISSED'}  ${t.description}: ${t.subject} = ${value} (max ${max})`);
  }
  return cases;
}
