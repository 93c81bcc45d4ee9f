// Prints the Markdown tables of docs/performance.md from a `npm run bench -- --json FILE` result:
// `npx tsx bench/markdown.ts bench/results.json`. Keeps the document a copy of a real run.
import { readFileSync } from 'node:fs';
import { formatDuration, type CaseResult } from './harness.js';
import type { BundleSize } from '../scripts/size-report.mjs';

interface Report {
  date: string;
  node: string;
  cpu: string | undefined;
  cpus: number;
  nodeFlags?: string[];
  loadAverageBefore: string;
  loadAverageAfter: string;
  options: { rounds: number; batchMs: number };
  cases: CaseResult[];
  targets: { description: string; subject: string; against: string; ratio: number; max: number; met: boolean }[];
  sizes: BundleSize[];
  listWalks?: { store: string; listUsersMs: number; parseWholeMs: number; speedup: number; met: boolean }[];
  signInFlatness?: { store: string; perSecond: Record<string, number>; ratio: number; met: boolean }[];
}

/** The guards a case carries itself (issue 28: ratios of the fastest batches), if any. */
type CaseTarget = { description: string; ratio: number; medianRatio: number; max: number; met: boolean };
function caseTargets(result: CaseResult): CaseTarget[] {
  const own = result as CaseResult & { targets?: CaseTarget[]; target?: CaseTarget };
  const all = own.targets ?? (own.target === undefined ? [] : [own.target]);
  // Older cases' targets (backup codes) carry other fields and are printed by their own lines.
  return all.filter((t) => typeof t.ratio === 'number' && typeof t.medianRatio === 'number');
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: tsx bench/markdown.ts RESULTS.json');
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;

const out: string[] = [];
out.push(
  `Run of ${report.date.slice(0, 10)}: Node ${report.node}` +
    `${report.nodeFlags?.length ? ` (\`${report.nodeFlags.join(' ')}\`)` : ''}, ${report.cpu ?? 'unknown CPU'} × ${report.cpus}, ` +
    `${report.options.rounds} rounds of ~${report.options.batchMs} ms batches, ` +
    `load average ${report.loadAverageBefore} before and ${report.loadAverageAfter} after.`,
);
for (const result of report.cases) {
  out.push('', `**${result.title}** (\`${result.id}\`, ${result.rounds} rounds)`, '');
  out.push(`| subject | median per call | fastest batch | time ratio to ${result.reference} |`);
  out.push('| --- | ---: | ---: | ---: |');
  for (const s of result.subjects) {
    out.push(
      `| ${s.name} | ${formatDuration(s.medianNs)} | ${formatDuration(s.minNs)} | ${s.ratioToReference.toFixed(2)}× |`,
    );
  }
  for (const t of caseTargets(result)) {
    out.push(
      '',
      `${t.met ? 'Met' : 'Missed'}: ${t.description}: ${t.ratio.toFixed(2)}× in the fastest batches ` +
        `(${t.medianRatio.toFixed(2)}× median of paired rounds).`,
    );
  }
}
if (report.listWalks !== undefined && report.listWalks.length > 0) {
  out.push(
    '',
    '**listUsers full walk of 100k users, 1000 a page, fastest of 5 interleaved rounds** (`list-walk-100k`)',
    '',
  );
  out.push('| store | listUsers | every record parsed whole (before issue 28) | faster | at least 2.5× |');
  out.push('| --- | ---: | ---: | ---: | --- |');
  for (const w of report.listWalks) {
    out.push(
      `| ${w.store} | ${w.listUsersMs.toFixed(0)} ms | ${w.parseWholeMs.toFixed(0)} ms | ${w.speedup.toFixed(2)}× | ${w.met ? 'met' : 'missed'} |`,
    );
  }
}
if (report.signInFlatness !== undefined && report.signInFlatness.length > 0) {
  out.push(
    '',
    '**TOTP sign-ins per second, concurrency 16, users at random, best of 5 rounds** (`sign-in-flatness`)',
    '',
  );
  out.push('| store | 1k users | 100k users | ratio | at least 0.8× |', '| --- | ---: | ---: | ---: | --- |');
  for (const f of report.signInFlatness) {
    const [small, large] = Object.values(f.perSecond);
    out.push(
      `| ${f.store} | ${Math.round(small!)}/s | ${Math.round(large!)}/s | ${f.ratio.toFixed(2)}× | ${f.met ? 'met' : 'missed'} |`,
    );
  }
}
if (report.targets.length > 0) {
  out.push('', '| target (issues 13 and 19) | ratio in this run | at most | |', '| --- | ---: | ---: | --- |');
  for (const t of report.targets) {
    out.push(`| ${t.description} | ${t.ratio.toFixed(2)} | ${t.max} | ${t.met ? 'met' : 'missed'} |`);
  }
}
if (report.sizes.length > 0) {
  out.push('', '| bundle | minified | gzip |', '| --- | ---: | ---: |');
  for (const s of report.sizes) {
    out.push(
      `| ${s.name} | ${(s.minifiedBytes / 1000).toFixed(2)} kB | ${(s.gzipBytes / 1000).toFixed(2)} kB (${s.gzipBytes} B) |`,
    );
  }
}
console.log(out.join('\n'));
