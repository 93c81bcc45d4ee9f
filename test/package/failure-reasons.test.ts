// docs/lifecycle.md lists every reason a lifecycle call can answer `{ ok: false, reason }` with:
// the list between its failure-reasons markers must be exactly the members of the union types,
// read with the TypeScript compiler, so a new reason fails here until the guide names it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The string literal members of `reason` in each interface or type alias named, from the sources. */
function reasonMembers(names: string[]): string[] {
  const program = ts.createProgram([join(root, 'src/lifecycle/index.ts')], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(root, 'src/lifecycle/index.ts'))!;
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!);
  const members = new Set<string>();
  for (const name of names) {
    const symbol = exports.find((s) => s.name === name);
    expect(symbol, `${name} is exported from src/lifecycle/index.ts`).toBeDefined();
    const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol!));
    const reason = type.getProperty('reason');
    expect(reason, `${name} has a reason`).toBeDefined();
    const reasonType = checker.getTypeOfSymbol(reason!);
    for (const member of reasonType.isUnion() ? reasonType.types : [reasonType]) {
      expect(member.isStringLiteral(), `${name}.reason is string literals`).toBe(true);
      members.add((member as ts.StringLiteralType).value);
    }
  }
  return [...members].sort();
}

/** The reasons docs/lifecycle.md lists between `<!-- failure-reasons` and `<!-- /failure-reasons -->`. */
function documentedReasons(): string[] {
  const text = readFileSync(join(root, 'docs/lifecycle.md'), 'utf8');
  const section = /<!-- failure-reasons[^>]*-->([\s\S]*?)<!-- \/failure-reasons -->/.exec(text);
  expect(section, 'docs/lifecycle.md has the failure-reasons markers').not.toBeNull();
  return [...section![1]!.matchAll(/^- `'([a-z-]+)'`/gm)].map((m) => m[1]!);
}

describe('docs/lifecycle.md failure reasons', () => {
  it('lists each member of TwoFactorFailure and RateLimited reason exactly once', () => {
    const documented = documentedReasons();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(reasonMembers(['TwoFactorFailure', 'RateLimited']));
  }, 60_000);
});
