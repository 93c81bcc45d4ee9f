// Type-checks the code users copy: every ```ts block inside an `@example` of the TSDoc in
// src/**/*.ts, and every ```ts block in README.md and docs/**/*.md. Each block becomes its own
// module in a fresh directory under node_modules/.cache/ and is compiled with tsc against the
// sources ('factorkit' and its subpaths resolve to src/ through the tsconfig paths).
//
// A block that is deliberately not a complete program (a fragment in prose) is fenced as
// ```ts fragment (or any other language) and skipped. The rest of the fence line is kept as the
// block's `info`: scripts/run-examples.mjs reads it to run the README's and docs' blocks.
//
// Usage: node scripts/extract-examples.mjs [--list]. Exits non-zero when any example fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache');

function walk(dir, predicate) {
  let files = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return files;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files = files.concat(walk(path, predicate));
    else if (predicate(path)) files.push(path);
  }
  return files;
}

const FENCE = /^```(\S*)(.*)$/;

/** ```ts blocks from lines, as { line, code, info } with 1-based line numbers of the first code line. */
function blocks(lines, lineOffset = 0) {
  const found = [];
  let current;
  lines.forEach((text, i) => {
    const fence = FENCE.exec(text.trim());
    if (current === undefined) {
      if (fence && (fence[1] === 'ts' || fence[1] === 'typescript') && !fence[2].includes('fragment')) {
        current = { line: lineOffset + i + 2, code: [], info: fence[2].trim() };
      } else if (fence && fence[1] !== '') {
        current = { skip: true, code: [] };
      }
    } else if (fence && fence[1] === '' && fence[2].trim() === '') {
      if (!current.skip) found.push({ line: current.line, code: current.code.join('\n'), info: current.info });
      current = undefined;
    } else {
      current.code.push(text);
    }
  });
  return found;
}

/** Blocks inside `@example` tags of the /** comments of a TypeScript source. */
function tsdocExamples(source) {
  const examples = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  for (const match of source.matchAll(comment)) {
    const startLine = source.slice(0, match.index).split('\n').length - 1;
    const lines = match[1].split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
    const exampleAt = lines.findIndex((line) => line.trim().startsWith('@example'));
    if (exampleAt === -1) continue;
    // The example runs to the next block tag (a line starting with @) outside a fence.
    let end = lines.length;
    let inFence = false;
    for (let i = exampleAt + 1; i < lines.length; i++) {
      if (lines[i].trim().startsWith('```')) inFence = !inFence;
      else if (!inFence && /^@\w/.test(lines[i].trim())) {
        end = i;
        break;
      }
    }
    examples.push(...blocks(lines.slice(exampleAt + 1, end), startLine + exampleAt + 1));
  }
  return examples;
}

export function collectExamples() {
  const examples = [];
  for (const file of walk(join(root, 'src'), (p) => p.endsWith('.ts'))) {
    for (const block of tsdocExamples(readFileSync(file, 'utf8')))
      examples.push({ file: relative(root, file), ...block });
  }
  const markdown = [join(root, 'README.md'), ...walk(join(root, 'docs'), (p) => p.endsWith('.md'))];
  for (const file of markdown) {
    for (const block of blocks(readFileSync(file, 'utf8').split('\n')))
      examples.push({ file: relative(root, file), ...block });
  }
  return examples;
}

export function checkExamples() {
  const examples = collectExamples();
  // A fresh directory per run (inside the repository, so 'factorkit' and its dependencies
  // resolve as for the sources): parallel runs never see each other's files.
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'factorkit-examples-'));
  try {
    return compile(examples, outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function compile(examples, outDir) {
  const names = new Map();
  for (const example of examples) {
    const name = `${example.file.replace(/[\\/.]/g, '_')}_L${example.line}.ts`;
    names.set(name, example);
    // `export {}` makes every example its own module, so their top-level names never clash.
    writeFileSync(join(outDir, name), `// ${example.file}:${example.line}\n${example.code}\nexport {};\n`);
  }
  const tsconfig = join(outDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      { extends: join(root, 'tsconfig.json'), compilerOptions: { noEmit: true }, include: ['./*.ts'] },
      null,
      2,
    ),
  );
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  // Only errors inside the examples count here: the sources are type-checked by `npm run typecheck`.
  const errors = [];
  for (const line of tsc.stdout.split('\n')) {
    const match = /^(.*?)\((\d+),(\d+)\): error (.*)$/.exec(line);
    if (!match) continue;
    const example = names.get(relative(outDir, join(root, match[1])));
    if (example === undefined) continue;
    // Line 1 of the extracted file is the header comment.
    errors.push(`${example.file}:${example.line + Number(match[2]) - 2}: ${match[4]}`);
  }
  return { examples, errors };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { examples, errors } = checkExamples();
  if (process.argv.includes('--list')) for (const e of examples) console.log(`${e.file}:${e.line}`);
  console.log(`${examples.length} examples type-checked, ${errors.length} errors`);
  for (const error of errors) console.log(error);
  process.exit(errors.length === 0 ? 0 : 1);
}
