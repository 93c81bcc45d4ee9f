// The minimal Next.js App Router app (app/, server/app.ts) in Chromium: every flow and attack of
// shared/browser-flows.ts through factorkit/next, built with `next build` and served by
// `next start` in a child process, as in production. The build's wall time is printed: it is
// most of this file's time (about a minute on a 2-core machine).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningApp, secondStepInChromium } from '../shared/browser-flows.js';

const APP_DIR = fileURLToPath(new URL('.', import.meta.url));
const NEXT = fileURLToPath(new URL('../../../node_modules/next/dist/bin/next', import.meta.url));
const BUILD_TIMEOUT_MS = 600_000;
// CI=1: were the build to want a package it lacks (@types/react for a route.ts), it fails
// instead of installing it into the repository's node_modules.
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CI: '1' };

async function build(): Promise<void> {
  const started = performance.now();
  await promisify(execFile)(process.execPath, [NEXT, 'build', '--webpack'], {
    cwd: APP_DIR,
    env: ENV,
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  console.log(`next build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A port free right now on 127.0.0.1 (next start needs a number; the origin must be known before it starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function untilServing(origin: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output()}`);
    const answered = await fetch(`${origin}/second-step`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`next start did not answer in 60 s:\n${output()}`);
}

async function startNextApp(): Promise<RunningApp> {
  await build();
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: APP_DIR,
    env: { ...ENV, APP_ORIGIN: origin, TEST_CLOCK_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await untilServing(origin, child, () => output);
  return {
    origin,
    async advanceClock(ms) {
      const response = await fetch(`${origin}/test-clock`, {
        method: 'POST',
        headers: { 'x-test-clock-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ ms }),
      });
      if (!response.ok) throw new Error(`the app's clock did not move: ${response.status}`);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

secondStepInChromium('Next.js App Router', startNextApp, BUILD_TIMEOUT_MS + 90_000);
