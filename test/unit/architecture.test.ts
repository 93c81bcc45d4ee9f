// The lifecycle's layering, pinned: a factor module imports only the kernel (and modules
// outside the lifecycle); the kernel imports nothing above it; the engine and the operations
// reach factor types only through the registry, never a factor folder or a `type === '...'`
// test; and no production function in the lifecycle needs scrolling.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIFECYCLE = join(ROOT, 'src/lifecycle');
const MAX_FUNCTION_LINES = 80;

interface Source {
  /** Path under src/lifecycle, e.g. `factors/totp/index.ts`. */
  path: string;
  file: ts.SourceFile;
}

function sources(): Source[] {
  return (readdirSync(LIFECYCLE, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.ts'))
    .map((path) => ({
      path: path.split('\\').join('/'),
      file: ts.createSourceFile(path, readFileSync(join(LIFECYCLE, path), 'utf8'), ts.ScriptTarget.Latest, true),
    }));
}

/** Every import and re-export of a file, resolved to a path under src/ (or `outside:` for packages). */
function importsOf(source: Source): { target: string; typeOnly: boolean }[] {
  const found: { target: string; typeOnly: boolean }[] = [];
  for (const statement of source.file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const typeOnly = ts.isImportDeclaration(statement)
      ? statement.importClause?.isTypeOnly === true
      : statement.isTypeOnly;
    const text = specifier.text;
    const target = text.startsWith('.')
      ? relative(join(ROOT, 'src'), resolve(LIFECYCLE, dirname(source.path), text))
          .split('\\')
          .join('/')
      : `outside:${text}`;
    found.push({ target, typeOnly });
  }
  return found;
}

const folderOf = (path: string) => path.split('/').slice(0, -1).join('/');

describe('lifecycle layering', () => {
  const all = sources();

  it('a factor module imports only the kernel, its own folder and modules outside the lifecycle', () => {
    const offending: string[] = [];
    for (const source of all.filter((s) => s.path.startsWith('factors/'))) {
      const own = `lifecycle/${folderOf(source.path)}`;
      for (const { target } of importsOf(source)) {
        const allowed =
          !target.startsWith('lifecycle/') || target.startsWith('lifecycle/kernel/') || target.startsWith(`${own}/`);
        if (!allowed) offending.push(`${source.path} -> ${target}`);
      }
    }
    expect(offending).toEqual([]);
    // The rule is real: the folder holds modules that import.
    expect(all.filter((s) => s.path.startsWith('factors/')).length).toBeGreaterThanOrEqual(8);
  });

  it('the kernel imports nothing of the lifecycle outside the kernel', () => {
    const offending = all
      .filter((s) => s.path.startsWith('kernel/'))
      .flatMap((s) => importsOf(s).map(({ target }) => `${s.path} -> ${target}`))
      .filter((edge) => edge.includes('-> lifecycle/') && !edge.includes('-> lifecycle/kernel/'));
    expect(offending).toEqual([]);
  });

  it('the engine and the operations import no factor folder: they reach factor types through the registry', () => {
    const offending = all
      .filter((s) => s.path.startsWith('engine/') || s.path.startsWith('operations/'))
      .flatMap((s) => importsOf(s).map(({ target }) => `${s.path} -> ${target}`))
      .filter((edge) => edge.includes('-> lifecycle/factors/'));
    expect(offending).toEqual([]);
  });

  it("no branch on a factor's type outside its own folder", () => {
    // `typeof x.type === 'string'` checks a shape, not a type; the registry is where types are told apart.
    const branch = /(?<!typeof [\w.]+)\.type\s*[!=]==?\s*'[a-z-]+'/;
    const offending: string[] = [];
    for (const source of all.filter((s) => !s.path.startsWith('factors/') && s.path !== 'engine/registry.ts')) {
      const code = source.file
        .getFullText()
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      code.split('\n').forEach((line, i) => {
        if (branch.test(line)) offending.push(`${source.path}: ${line.trim()} (line ${i + 1})`);
      });
    }
    expect(offending).toEqual([]);
  });

  it(`no lifecycle function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const source of all) {
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
          const start = source.file.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.file.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${source.path}:${start + 1} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source.file);
    }
    expect(long).toEqual([]);
  });
});
