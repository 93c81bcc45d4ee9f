// Packaging checks over the built package (run `npm run build` first): publint (strict: warnings
// fail too), @arethetypeswrong/cli on the packed tarball, and the size-limit regression ceiling.
// Exits non-zero when any of them fails; `test/package/package.test.ts` runs it under `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESM_ONLY } from './entries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

if (!existsSync(`${root}dist/index.js`)) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// Pack once, into a directory of our own: several checkouts' test runs may share the working
// tree, and tools that pack into the package root race on the same factorkit-x.y.z.tgz.
const packDir = mkdtempSync(join(tmpdir(), 'factorkit-pack-'));
process.on('exit', () => rmSync(packDir, { recursive: true, force: true }));
// --ignore-scripts: dist/ was just built, and prepack's build output would corrupt --json.
const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
  cwd: root,
  encoding: 'utf8',
});
if (pack.status !== 0) {
  console.error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
  process.exit(1);
}
const tarball = join(packDir, JSON.parse(pack.stdout)[0].filename);

const exported = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).exports;
const esmOnly = [...ESM_ONLY].filter((name) => exported[`./${name}`] !== undefined);
// The web half's entries, checked as ES modules only (testing imports vitest, which attw cannot judge).
const webHalf = esmOnly.filter((name) => name !== 'testing');

const checks = [
  { name: 'publint', command: bin('publint'), args: ['run', tarball, '--strict'] },
  // factorkit/testing and the web half are ES modules only (scripts/entries.mjs): attw checks the
  // rest, and those with the esm-only profile.
  {
    name: 'attw --pack',
    command: bin('attw'),
    args: [tarball, '--format', 'ascii', '--exclude-entrypoints', ...esmOnly],
  },
  {
    name: 'attw --pack (ES modules only)',
    command: bin('attw'),
    args: [tarball, '--format', 'ascii', '--profile', 'esm-only', '--entrypoints', ...webHalf],
  },
  { name: 'size-limit', command: bin('size-limit'), args: [] },
];

let failed = 0;
for (const { name, command, args } of checks) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const ok = result.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok || process.argv.includes('--verbose')) console.log(`${result.stdout}${result.stderr}`);
}
process.exit(failed === 0 ? 0 : 1);
