// Packaging quality over the built dist/ (npm test builds before vitest runs): publint,
// @arethetypeswrong/cli on the packed tarball, and the size-limit budget.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('package', () => {
  it('passes publint, attw --pack and size-limit', () => {
    const result = spawnSync(process.execPath, ['scripts/check-package.mjs'], { cwd: root, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toMatch(/ok {3}publint[\s\S]*ok {3}attw --pack[\s\S]*ok {3}size-limit/);
    expect(result.status).toBe(0);
  }, 120_000);
});
