// Runs the ```ts blocks of README.md and docs/*.md, each as its own program, and checks that
// it prints what its `// prints ...` comments say, prints nothing else (no warning on stderr),
// and exits on its own (a snippet that leaves a pool or a client open never exits).
//
// Every block's fence says how it is run:
//   ```ts                          runs with no server (the package tier)
//   ```ts cjs                      the same, as a CommonJS .cjs file under plain Node: plain
//                                  JavaScript that `require`s the built dist/ (npm run build)
//   ```ts needs=postgres,redis     runs against those servers on 127.0.0.1 (the integration tier);
//                                  DATABASE_URL / REDIS_URL point at them (postgres, mysql, redis)
//   ```ts no-run: <why>            type-checked only (scripts/extract-examples.mjs), never run;
//                                  the reason is required, and the tests count these blocks
//
// Each block runs with tsx in a fresh working directory, `factorkit` resolved to the sources
// through tsconfig.json's paths, FACTORKIT_KEYS set to a fixed test keyring (so snippets load
// their keyring as an app does: `keyringFromEnv(process.env.FACTORKIT_KEYS)`).
//
// Expected output: each `// prints TEXT` comment is one line of standard output, in order. In
// TEXT, `…` stands for any text within the line; a comment that is only `// prints …` stands
// for one or more whole lines (a QR code, a list).
//
// Usage: node scripts/run-examples.mjs [--services] [file...]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collectExamples } from './extract-examples.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The servers a block may need, and the variables that point it at them. */
export const SERVICES = {
  postgres: { DATABASE_URL: process.env.FACTORKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  mysql: { DATABASE_URL: process.env.FACTORKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test' },
  redis: { REDIS_URL: process.env.FACTORKIT_REDIS_URL ?? 'redis://127.0.0.1:6379' },
};

/** A fixed test keyring (not a secret: it only ever seals test data). */
export const TEST_KEYS = `docs-test:${Buffer.alloc(32, 0x5a).toString('base64')}`;

/**
 * How a block's fence says it runs: { mode: 'run' | 'services' | 'no-run', needs, reason }, or
 * { error } for a fence this script does not understand.
 */
export function runMode(info) {
  if (info === '') return { mode: 'run', needs: [] };
  if (info === 'cjs') return { mode: 'run', needs: [], cjs: true };
  const noRun = /^no-run(?::\s*(.*))?$/.exec(info);
  if (noRun) {
    const reason = (noRun[1] ?? '').trim();
    return reason === '' ? { error: 'no-run needs a reason: ```ts no-run: why' } : { mode: 'no-run', reason };
  }
  const needs = /^needs=([a-z,]+)$/.exec(info);
  if (needs) {
    const names = needs[1].split(',');
    const unknown = names.filter((name) => !(name in SERVICES));
    if (unknown.length > 0) return { error: `unknown service ${unknown.join(', ')}` };
    if (names.includes('postgres') && names.includes('mysql')) {
      return { error: 'postgres and mysql would both need DATABASE_URL' };
    }
    return { mode: 'services', needs: names };
  }
  return { error: `unknown fence info "${info}"` };
}

/** The README's and docs' blocks, each with its run mode. */
export function collectDocExamples() {
  return collectExamples()
    .filter((example) => !example.file.startsWith('src/'))
    .map((example) => ({ ...example, ...runMode(example.info ?? '') }));
}

/** The `// prints` comments of a block, in order. */
export function expectedOutput(code) {
  const lines = [];
  for (const line of code.split('\n')) {
    const match = /\/\/ prints (.*)$/.exec(line);
    if (match) lines.push(match[1].trim());
  }
  return lines;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `stdout` is exactly the lines `expected` describes. */
export function matchesOutput(stdout, expected) {
  const pattern = expected
    .map((line) => (line === '…' ? '[^\\n]*(?:\\n[^\\n]*)*?' : line.split('…').map(escapeRegExp).join('[^\\n]*')))
    .join('\\n');
  const text = stdout.replace(/\n$/, '');
  return new RegExp(`^${pattern}$`).test(text);
}

function runOne(example, file, env, timeoutMs) {
  const cwd = mkdtempSync(join(tmpdir(), 'factorkit-doc-example-'));
  return new Promise((resolve) => {
    // tsx's loader in this process rather than its CLI, which runs the program in a grandchild
    // that a timeout would leave behind; detached, so the whole group can be killed anyway.
    const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, example.cjs ? [file] : ['--import', loader, file], {
      cwd,
      detached: true,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), FACTORKIT_KEYS: TEST_KEYS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      const problems = [];
      if (timedOut) problems.push(`did not exit within ${timeoutMs} ms: does it close what it opens?`);
      else if (status !== 0) problems.push(`exited with ${status}`);
      if (stderr.trim() !== '') problems.push(`wrote to stderr:\n${stderr.trim()}`);
      const expected = expectedOutput(example.code);
      if (!timedOut && !matchesOutput(stdout, expected)) {
        problems.push(
          `printed:\n${stdout.trimEnd() || '(nothing)'}\nbut its // prints comments say:\n${expected.join('\n') || '(nothing)'}`,
        );
      }
      resolve({ example, stdout, stderr, problems });
    });
  });
}

/**
 * Runs `examples` (from collectDocExamples, mode 'run' or 'services'), `concurrency` at a time.
 * @returns one { example, stdout, stderr, problems } per block; problems is empty when it passed
 */
export async function runExamples(examples, { concurrency = 2, timeoutMs = 60_000, onResult = () => {} } = {}) {
  const dir = join(root, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  // Inside the repository (and outside node_modules) so that tsx applies tsconfig.json's paths
  // and the dev dependencies resolve.
  const outDir = mkdtempSync(join(dir, 'doc-examples-'));
  const results = [];
  try {
    let next = 0;
    const worker = async () => {
      while (next < examples.length) {
        const index = next++;
        const example = examples[index];
        const name = `${index}_${example.file.replace(/[\\/.]/g, '_')}_L${example.line}`;
        // A .cjs file inside the package resolves require('factorkit') to dist/index.cjs.
        const file = join(outDir, `${name}.${example.cjs ? 'cjs' : 'ts'}`);
        const header = `// ${example.file}:${example.line}\n`;
        writeFileSync(file, example.cjs ? `${header}${example.code}\n` : `${header}${example.code}\nexport {};\n`);
        const env = Object.assign({}, ...(example.needs ?? []).map((name) => SERVICES[name]));
        results[index] = await runOne(example, file, env, timeoutMs);
        onResult(results[index]);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mode = args.includes('--services') ? 'services' : 'run';
  const files = args.filter((arg) => !arg.startsWith('--'));
  const all = collectDocExamples();
  for (const example of all) if (example.error) console.log(`${example.file}:${example.line}: ${example.error}`);
  const chosen = all.filter((e) => e.mode === mode && (files.length === 0 || files.includes(e.file)));
  let failed = 0;
  const results = await runExamples(chosen, {
    timeoutMs: 30_000,
    onResult: ({ example, problems }) => {
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${example.file}:${example.line}`);
      for (const problem of problems) console.log(`     ${problem.replace(/\n/g, '\n     ')}`);
      if (problems.length > 0) failed++;
    },
  });
  const noRun = all.filter((e) => e.mode === 'no-run').length;
  console.log(`${results.length} run, ${failed} failed; ${noRun} type-checked only (no-run)`);
  process.exit(failed === 0 ? 0 : 1);
}
