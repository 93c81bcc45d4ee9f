// The ```ts needs=<services> blocks of README.md and docs/*.md (the PostgreSQL, MySQL/MariaDB
// and Redis store recipes) run against the real servers on 127.0.0.1, print what their
// `// prints` comments say and exit on their own: a recipe that leaves its pool or client open
// never exits and fails here (scripts/run-examples.mjs; the no-server blocks run in
// test/package/doc-run.test.ts).
import { describe, expect, it } from 'vitest';
import { collectDocExamples, runExamples } from '../../scripts/run-examples.mjs';

describe('README and docs examples that need PostgreSQL, MySQL or Redis', () => {
  it('run against the servers, print what they say and exit', async () => {
    const examples = collectDocExamples().filter((e) => e.mode === 'services');
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const runs = await runExamples(examples);
    const failures = runs
      .filter((run) => run.problems.length > 0)
      .map((run) => `${run.example.file}:${run.example.line}\n${run.problems.join('\n')}`);
    expect(failures).toEqual([]);
  }, 600_000);
});
