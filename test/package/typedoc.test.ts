// The API reference: typedoc builds with zero warnings (typedoc.json sets treatWarningsAsErrors)
// over every public entry point, and every exported function and class carries an @example.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string): any => JSON.parse(readFileSync(join(root, path), 'utf8'));
const out = mkdtempSync(join(tmpdir(), 'factorkit-typedoc-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Reflection {
  name: string;
  kind: number;
  comment?: { summary: unknown[]; blockTags?: { tag: string }[] };
  signatures?: Reflection[];
  children?: Reflection[];
}
const KIND_MODULE = 2;
const KIND_FUNCTION = 64;
const KIND_CLASS = 128;

describe('typedoc', () => {
  it('documents every public entry point of package.json exports', () => {
    const paths: Record<string, string[]> = readJson('tsconfig.json').compilerOptions.paths;
    const entryPoints: string[] = readJson('typedoc.json').entryPoints;
    const subpaths = Object.keys(readJson('package.json').exports).filter((key) => key !== './package.json');
    for (const subpath of subpaths) {
      const specifier = `factorkit${subpath.slice(1)}`;
      const source = paths[specifier]?.[0]?.replace(/^\.\//, '');
      expect(source, `tsconfig paths has no source for ${specifier}`).toBeDefined();
      expect(existsSync(join(root, source!)), `${source} exists`).toBe(true);
      expect(entryPoints, `typedoc.json entryPoints must include ${source}`).toContain(source);
    }
    // And the other way: every entry of the one list (tsconfig paths) is published and documented.
    expect(Object.keys(paths).sort()).toEqual(subpaths.map((subpath) => `factorkit${subpath.slice(1)}`).sort());
    expect(entryPoints).toHaveLength(subpaths.length);
  });

  it('builds with zero warnings; every export has TSDoc, every function and class an @example, @param and @returns', () => {
    const json = join(out, 'api.json');
    const result = spawnSync(join(root, 'node_modules/.bin/typedoc'), ['--out', join(out, 'site'), '--json', json], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(result.status, output).toBe(0);

    const project = JSON.parse(readFileSync(json, 'utf8')) as Reflection;
    // One entry point gives the exports as children; several give one module each.
    const exports = (project.children ?? []).flatMap((child) =>
      child.kind === KIND_MODULE ? (child.children ?? []) : [child],
    );
    expect(exports.map((e) => e.name)).toContain('verifyTotp');
    const comments = (e: Reflection) => [e.comment, ...(e.signatures ?? []).map((s) => s.comment)].filter(Boolean);
    const undocumented = exports.filter((e) => comments(e).length === 0).map((e) => e.name);
    expect(undocumented, 'exports without TSDoc').toEqual([]);
    const withoutExample = exports
      .filter((e) => e.kind === KIND_FUNCTION || e.kind === KIND_CLASS)
      .filter((e) => !comments(e).some((c) => c!.blockTags?.some((tag) => tag.tag === '@example')))
      .map((e) => e.name);
    expect(withoutExample, 'functions and classes without @example').toEqual([]);

    // Every parameter of an exported function or constructor is described, and every function
    // that returns something says what (@returns).
    const KIND_CONSTRUCTOR = 512;
    const gaps: string[] = [];
    for (const e of exports) {
      const signatures =
        e.kind === KIND_FUNCTION
          ? (e.signatures ?? [])
          : (e.children ?? []).filter((c) => c.kind === KIND_CONSTRUCTOR).flatMap((c) => c.signatures ?? []);
      for (const signature of signatures as (Reflection & { parameters?: Reflection[]; type?: { name?: string } })[]) {
        for (const parameter of signature.parameters ?? []) {
          if (!parameter.comment) gaps.push(`${e.name}: @param ${parameter.name}`);
        }
        const returnsVoid = signature.type?.name === 'void';
        if (
          e.kind === KIND_FUNCTION &&
          !returnsVoid &&
          !signature.comment?.blockTags?.some((t) => t.tag === '@returns')
        ) {
          gaps.push(`${e.name}: @returns`);
        }
      }
    }
    expect(gaps, 'undocumented parameters and return values').toEqual([]);
  }, 120_000);
});
