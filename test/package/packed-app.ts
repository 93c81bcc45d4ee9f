// An app directory with the built package installed the way npm installs it: the tarball of
// `npm pack` unpacked into node_modules/factorkit, beside its dependencies. Offline: the
// dependencies are symlinks into this checkout's node_modules, followed transitively through
// each package's own `dependencies`, so the app sees only what an install would give it.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command to completion and returns its output; throws with that output if it failed. */
export function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** `npm pack` of `dir` into a new temporary directory; returns the tarball's path. */
export function pack(dir: string, { ignoreScripts }: { ignoreScripts: boolean }): string {
  const destination = mkdtempSync(join(tmpdir(), 'factorkit-tarball-'));
  run('npm', ['pack', ...(ignoreScripts ? ['--ignore-scripts'] : []), '--pack-destination', destination], dir);
  const [tarball, ...others] = readdirSync(destination).filter((name) => name.endsWith('.tgz'));
  if (!tarball || others.length > 0) throw new Error(`expected one tarball in ${destination}`);
  return join(destination, tarball);
}

/** The paths in a tarball, without npm's leading `package/`. */
export function tarballFiles(tarball: string): string[] {
  return run('tar', ['-tzf', tarball], root)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
}

function dependenciesOf(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return Object.keys(manifest.dependencies ?? {});
}

export interface PackedApp {
  /** The app directory: `node_modules/factorkit` is the unpacked tarball. */
  dir: string;
  /** Links `node_modules/<name>` to this checkout's copy of the package, for peers the app brings. */
  link(name: string): void;
  remove(): void;
}

/**
 * Packs the built checkout (dist/ must exist: `npm test` builds first) and installs the tarball
 * into a new app directory with its dependencies.
 */
export function packedApp(): PackedApp {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-app-'));
  const tarball = pack(root, { ignoreScripts: true });
  const installed = join(dir, 'node_modules', 'factorkit');
  mkdirSync(installed, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], root);
  rmSync(dirname(tarball), { recursive: true, force: true });

  // Node's lookup: the nearest node_modules/<name> from the requiring package upwards. A package
  // found at the top of this checkout's node_modules is linked into the app; one nested inside
  // a linked package comes with it, and only its own dependencies are followed.
  const topLevel = join(root, 'node_modules');
  const visited = new Set<string>();
  const follow = (name: string, from: string): void => {
    let found: string | undefined;
    for (let at = from; found === undefined; at = dirname(at)) {
      if (existsSync(join(at, 'node_modules', name))) found = join(at, 'node_modules', name);
      else if (at === dirname(at)) throw new Error(`${name} (needed by ${from}) is not installed`);
    }
    const real = realpathSync(found);
    if (visited.has(real)) return;
    visited.add(real);
    if (found === join(topLevel, name)) {
      mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
      symlinkSync(real, join(dir, 'node_modules', name), 'dir');
    }
    for (const dependency of dependenciesOf(real)) follow(dependency, real);
  };
  const link = (name: string): void => follow(name, root);
  for (const dependency of dependenciesOf(installed)) link(dependency);
  return { dir, link, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
