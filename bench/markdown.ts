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
