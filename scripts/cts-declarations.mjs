// Writes dist/*.d.cts, the declarations of the CommonJS build, from dist/*.d.ts, those of the ES
// module build: the same declarations, with relative imports naming the .cjs files (what tsup's
// second declaration build gave, at the cost of a second full type-check of src/, about a minute
// of CPU on a 2-core machine). `npm run build` runs it after tsup; attw and publint check the result.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESM_ONLY } from './entries.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

export function toCts(declarations) {
  return declarations.replace(/((?:from|import\()\s*)(['"])(\.\.?\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
}

for (const name of readdirSync(dist)) {
  // factorkit/testing and the web half have no CommonJS build (tsup.config.ts), so no CommonJS declarations.
  if (name.endsWith('.d.ts') && !ESM_ONLY.has(name.slice(0, -'.d.ts'.length))) {
    writeFileSync(`${dist}${name.slice(0, -'.d.ts'.length)}.d.cts`, toCts(readFileSync(`${dist}${name}`, 'utf8')));
  }
}
