// vitest globalSetup of the tiers that need something besides Node: runs scripts/test-setup.sh
// with what this tier needs, which installs (as root, with apt-get) and starts only what is
// missing, so `npx vitest run --project integration` on its own works on a fresh machine and
// no tier relies on a tool another tier happened to install. Quick when all is there.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/** What each tier needs from the machine (scripts/test-setup.sh lists the names). */
const NEEDS: Record<string, string[]> = {
  unit: [],
  integration: ['postgres', 'redis', 'redis-cluster', 'mariadb', 'imagemagick', 'zbar', 'protobuf'],
  runtime: ['chromium'],
  package: [],
  // postgres: the Hono example (examples/hono/e2e.test.ts) keeps its users, sessions and 2FA there.
  e2e: ['chromium', 'postgres'],
};

export default function setup(project: TestProject): void {
  const needs = NEEDS[project.name];
  if (needs === undefined) throw new Error(`test/support/global-setup.ts does not know the tier ${project.name}`);
  if (needs.length === 0) return;
  try {
    execFileSync('bash', [fileURLToPath(new URL('../../scripts/test-setup.sh', import.meta.url)), ...needs], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (error) {
    // The script has printed what is missing and how to get it.
    throw new Error(`the ${project.name} tier needs ${needs.join(', ')}: scripts/test-setup.sh failed (see above)`, {
      cause: error,
    });
  }
}
