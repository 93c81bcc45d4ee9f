// Runs test/runtime/suite.mjs against the built dist/ on every runtime of the matrix and
// collects each runtime's per-case results. Used by test/runtime.test.ts; run it directly
// (`npx tsx test/runtime/matrix.ts`) to see the table. Every runtime comes from node_modules
// or the Debian chromium package; nothing is downloaded.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../support/chromium.js';

export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
}

export interface RuntimeReport {
  runtime: string;
  version: string;
  results: CaseResult[];
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const RESULT_MARKER = 'FACTORKIT_RUNTIME_RESULTS ';
const TIMEOUT_MS = 60_000;

interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], timeoutMs = TIMEOUT_MS): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseResults(runtime: string, output: Output): CaseResult[] {
  const line = output.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) {
    throw new Error(`${runtime} printed no results (exit ${output.code}):\n${output.stdout}\n${output.stderr}`);
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as CaseResult[];
}

async function version(command: string, args: string[]): Promise<string> {
  const { stdout } = await exec(command, args);
  return stdout.split('\n')[0]!.trim();
}

async function runProcess(
  runtime: string,
  command: string,
  args: string[],
  versionArgs: string[],
): Promise<RuntimeReport> {
  const output = await exec(command, args);
  return { runtime, version: await version(command, versionArgs), results: parseResults(runtime, output) };
}

const esmRunner = join(HERE, 'run-esm.mjs');
const cjsRunner = join(HERE, 'run-cjs.cjs');

export const runNodeImport = () => runProcess('node (import)', process.execPath, [esmRunner], ['--version']);
export const runNodeRequire = () => runProcess('node (require)', process.execPath, [cjsRunner], ['--version']);
export const runBunImport = () => runProcess('bun (import)', join(BIN, 'bun'), [esmRunner], ['--version']);
export const runBunRequire = () => runProcess('bun (require)', join(BIN, 'bun'), [cjsRunner], ['--version']);
// --node-modules-dir=manual: resolve @noble/hashes and base32-* from the existing node_modules,
// as a Deno app with a package.json does; --allow-read only for those files.
export const runDeno = () =>
  runProcess(
    'deno',
    join(BIN, 'deno'),
    ['run', '--allow-read', '--node-modules-dir=manual', '--no-lock', esmRunner],
    ['--version'],
  );

const webauthnRunner = join(HERE, 'run-webauthn.mjs');

/** The WebAuthn cases (recorded ceremonies through the built module), on each runtime that loads the ESM build from disk. */
export const WEBAUTHN_RUNTIMES: Record<string, () => Promise<RuntimeReport>> = {
  node: () => runProcess('node (webauthn)', process.execPath, [webauthnRunner], ['--version']),
  bun: () => runProcess('bun (webauthn)', join(BIN, 'bun'), [webauthnRunner], ['--version']),
  deno: () =>
    runProcess(
      'deno (webauthn)',
      join(BIN, 'deno'),
      ['run', '--allow-read', '--node-modules-dir=manual', '--no-lock', webauthnRunner],
      ['--version'],
    ),
};

/** dist/index.js and the suite bundled into one file, as an app's bundler would. */
async function bundle(entry: string, format: 'iife' | 'esm', minify = false): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: HERE, loader: 'js' },
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2022',
    minify,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** @param minify - bundle minified, as a production build would: renaming must not break anything. */
export async function runChromium(minify = false): Promise<RuntimeReport> {
  const script = await bundle(
    "import * as lib from '../../dist/index.js'; import * as messages from '../../dist/messages.js';" +
      "import { run } from './suite.mjs'; globalThis.__factorkitResults = run({ ...lib, messages });",
    'iife',
    minify,
  );
  // Served over http://127.0.0.1, a secure context like a real deployment, not file:// or about:blank.
  const server = createServer((request, response) => {
    if (request.url === '/suite.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/suite.js"></script>');
    }
  });
  const port = await listen(server);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/`);
    const results = await page.evaluate(
      () => (globalThis as unknown as { __factorkitResults?: Promise<CaseResult[]> }).__factorkitResults ?? null,
    );
    if (results === null) throw new Error(`chromium: the suite did not start: ${pageErrors.join('\n')}`);
    return { runtime: minify ? 'chromium (minified)' : 'chromium', version: browser.version(), results };
  } finally {
    await browser.close();
    server.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SUITE_WORKER =
  "import * as lib from '../../dist/index.js'; import * as messages from '../../dist/messages.js';" +
  "import { run } from './suite.mjs'; export default { async fetch() { return Response.json(await run({ ...lib, messages })); } };";

/** @param entry - the worker's module: imports dist/ and answers every fetch with its cases' results. */
export async function runWorkerd(entry = SUITE_WORKER): Promise<RuntimeReport> {
  const worker = await bundle(entry, 'esm');
  const dir = await mkdtemp(join(tmpdir(), 'factorkit-workerd-'));
  const port = await freePort();
  await writeFile(join(dir, 'worker.js'), worker);
  await writeFile(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .suiteWorker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const suiteWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.js")],
  compatibilityDate = "2024-09-23",
);
`,
  );
  const command = join(BIN, 'workerd');
  const child = spawn(command, ['serve', join(dir, 'config.capnp')], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        const results = (await response.json()) as CaseResult[];
        return { runtime: 'workerd', version: await version(command, ['--version']), results };
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`workerd did not answer (exit ${child.exitCode}): ${stderr}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

const httpRunner = join(HERE, 'run-http.mjs');

/** factorkit/http's cases (http-suite.mjs): Node, Bun and Deno from disk, workerd bundled (Web Crypto, no node:crypto). */
export const HTTP_RUNTIMES: Record<string, () => Promise<RuntimeReport>> = {
  node: () => runProcess('node (http)', process.execPath, [httpRunner], ['--version']),
  bun: () => runProcess('bun (http)', join(BIN, 'bun'), [httpRunner], ['--version']),
  deno: () =>
    runProcess(
      'deno (http)',
      join(BIN, 'deno'),
      ['run', '--allow-read', '--node-modules-dir=manual', '--no-lock', httpRunner],
      ['--version'],
    ),
  workerd: () =>
    runWorkerd(
      "import * as lib from '../../dist/index.js'; import { createSecondStep } from '../../dist/http.js';" +
        "import { run } from './http-suite.mjs';" +
        'export default { async fetch() { return Response.json(await run({ ...lib, createSecondStep })); } };',
    ),
};

/** Every runtime of the matrix, by name. */
export const RUNTIMES: Record<string, () => Promise<RuntimeReport>> = {
  'node (import)': runNodeImport,
  'node (require)': runNodeRequire,
  'bun (import)': runBunImport,
  'bun (require)': runBunRequire,
  deno: runDeno,
  chromium: () => runChromium(),
  'chromium (minified)': () => runChromium(true),
  workerd: () => runWorkerd(),
};

export function distIsBuilt(): boolean {
  return existsSync(join(ROOT, 'dist', 'index.js')) && existsSync(join(ROOT, 'dist', 'index.cjs'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, runRuntime] of Object.entries(RUNTIMES)) {
    try {
      const report = await runRuntime();
      const failed = report.results.filter((r) => !r.ok);
      console.log(
        `${name.padEnd(16)} ${report.version.padEnd(28)} ${report.results.length - failed.length}/${report.results.length} passed`,
      );
      for (const f of failed) console.log(`  FAIL ${f.name}: ${f.error}`);
    } catch (error) {
      console.log(`${name.padEnd(16)} ERROR ${String(error)}`);
    }
  }
}
