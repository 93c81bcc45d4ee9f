// `npm run bench [-- --json results.json] [--rounds 100] [--batch-ms 1] [--only totp-verify-w1]
// [--no-size]`: every case in one process, subjects interleaved, medians and paired ratios.
// Node-only tooling (not part of the package); see docs/performance.md for how to read it.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration, runCase, sinkValue, type CaseResult } from './harness.js';
import { TIME_MS } from './fixtures.js';
import { LIMIT, REFERENCE, otpCases } from './otp-cases.js';
import { uriCase } from './extra-cases.js';
import { runBackupCases } from './backup-cases.js';
import { formatSizes, sizeReport, type BundleSize } from '../scripts/size-report.mjs';

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    // Short batches, many rounds: on a loaded machine a short batch is less often preempted,
    // and the median then lands on an undisturbed one.
    rounds: { type: 'string', default: '100' },
    'batch-ms': { type: 'string', default: '1' },
    'warmup-ms': { type: 'string', default: '150' },
    only: { type: 'string', multiple: true },
    'no-size': { type: 'boolean', default: false },
  },
});

const options = {
  rounds: Number(args.rounds),
  batchMs: Number(args['batch-ms']),
  warmupMs: Number(args['warmup-ms']),
};

/** A target: `subject`'s time over `against`'s time, from the same rounds, must be at most `max`. */
interface Target {
  caseId: string;
  description: string;
  subject: string;
  against: string;
  max: number;
}

const TARGETS: Target[] = [
  {
    caseId: 'totp-generate',
    description: 'generate at least as fast as otpauth',
    subject: REFERENCE,
    against: 'otpauth',
    max: 1,
  },
  {
    caseId: 'totp-verify-w1',
    description: 'verify w1 at least 2x faster than otpauth',
    subject: REFERENCE,
    against: 'otpauth',
    max: 0.5,
  },
  {
    caseId: 'totp-verify-w1',
    description: 'verify w1 at most 0.7x the per-step-keyed limit',
    subject: REFERENCE,
    against: LIMIT,
    max: 0.7,
  },
  {
    caseId: 'totp-verify-w10-invalid',
    description: 'verify w10 at most 1.0x the limit',
    subject: REFERENCE,
    against: LIMIT,
    max: 1,
  },
];

function ratioBetween(result: CaseResult, subject: string, against: string): number | undefined {
  const s = result.subjects.find((x) => x.name === subject);
  const a = result.subjects.find((x) => x.name === against);
  if (s === undefined || a === undefined) return undefined;
  // Both ratios are medians of per-round ratios against the same reference.
  return s.ratioToReference / a.ratioToReference;
}

function printCase(result: CaseResult): void {
  console.log(`\n${result.title}  [${result.id}, ${result.rounds} rounds]`);
  const rows = result.subjects.map((s) => [
    s.name,
    formatDuration(s.medianNs),
    `${formatDuration(s.p25Ns)} – ${formatDuration(s.p75Ns)}`,
    formatDuration(s.minNs),
    `${s.ratioToReference.toFixed(2)}x`,
  ]);
  const header = ['subject', 'median / call', 'p25 – p75', 'fastest', `ratio to ${result.reference}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function printSizes(sizes: BundleSize[]): void {
  console.log('\nBundle size (size-limit: esbuild --bundle --minify, browser; gzip -9; empty entry taken off)');
  for (const line of formatSizes(sizes)) console.log(line);
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  // @oslojs/otp reads the clock itself; every other subject is given TIME_MS explicitly.
  Date.now = () => TIME_MS;
  const wanted = (id: string) => args.only === undefined || args.only.includes(id);
  const cases = [...otpCases(), uriCase()].filter((c) => wanted(c.id));
  console.log(
    `factorkit bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ` +
      `${options.rounds} rounds, ~${options.batchMs} ms batches, load average ${loadAverage()}`,
  );
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    const result = runCase(benchCase, options);
    results.push(result);
    printCase(result);
  }
  results.push(...(await runBackupCases(wanted)));

  const targets = TARGETS.flatMap((target) => {
    const result = results.find((r) => r.id === target.caseId);
    const ratio = result && ratioBetween(result, target.subject, target.against);
    return ratio === undefined ? [] : [{ ...target, ratio, met: ratio <= target.max }];
  });
  if (targets.length > 0) {
    console.log('\nTargets (time ratio in the same run; lower is faster)');
    for (const t of targets) {
      console.log(
        `${t.met ? 'met   ' : 'MISSED'}  ${t.description}: ${t.subject} / ${t.against} = ${t.ratio.toFixed(2)} (max ${t.max})`,
      );
    }
  }

  const sizes = args['no-size'] ? [] : await sizeReport();
  if (sizes.length > 0) printSizes(sizes);

  if (args.json !== undefined) {
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model,
      cpus: os.cpus().length,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
      options,
      cases: results,
      targets,
      sizes,
    };
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nJSON written to ${args.json}`);
  }
  // Touch the sink so no benchmarked call could have been optimised away.
  if (sinkValue() === Symbol.for('never')) console.log('');
}

await main();
