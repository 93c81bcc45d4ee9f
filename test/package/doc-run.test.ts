// Every ```ts block of README.md and docs/*.md that needs no server runs as its own program (a
// ```ts cjs block as CommonJS over the built dist/, which this tier builds first) and
// prints what its `// prints` comments say, nothing on stderr (no "no keyring" warning), and
// exits on its own (scripts/run-examples.mjs). Blocks that need PostgreSQL, MySQL or Redis run in
// the integration tier (test/integration/doc-examples.test.ts); blocks fenced `ts no-run: why`
// are type-checked only (examples.test.ts), and counted here so that none is added unnoticed.
import { describe, expect, it } from 'vitest';
import { collectDocExamples, matchesOutput, runExamples, runMode } from '../../scripts/run-examples.mjs';

const examples = collectDocExamples();

/** The blocks deliberately not run, per file. Raise a count only with a reason in the fence. */
const NO_RUN: Record<string, number> = {
  'docs/delivered-codes.md': 5,
  'docs/importing.md': 1,
  'docs/lifecycle.md': 1,
  'docs/stores.md': 4,
  // Each needs a browser's credential or assertion, or an account enrolled with one.
  'docs/webauthn.md': 5,
};

describe('README and docs examples', () => {
  it('each fence says how it runs: ts, ts needs=<services> or ts no-run: <why>', () => {
    expect(examples.filter((e) => e.error).map((e) => `${e.file}:${e.line}: ${e.error}`)).toEqual([]);
    const noRun: Record<string, number> = {};
    for (const e of examples) if (e.mode === 'no-run') noRun[e.file] = (noRun[e.file] ?? 0) + 1;
    expect(noRun).toEqual(NO_RUN);
    expect(examples.filter((e) => e.mode === 'run').length).toBeGreaterThanOrEqual(30);
  });

  it('reads fences and // prints comments as documented', () => {
    expect(runMode('')).toEqual({ mode: 'run', needs: [] });
    expect(runMode('cjs')).toEqual({ mode: 'run', needs: [], cjs: true });
    expect(runMode('needs=postgres,redis')).toEqual({ mode: 'services', needs: ['postgres', 'redis'] });
    expect(runMode('no-run: needs Twilio')).toEqual({ mode: 'no-run', reason: 'needs Twilio' });
    expect(runMode('no-run').error).toMatch(/reason/);
    expect(runMode('needs=oracle').error).toMatch(/unknown service/);
    expect(runMode('needs=postgres,mysql').error).toMatch(/DATABASE_URL/);
    expect(matchesOutput('a 1\nb\n', ['a 1', 'b'])).toBe(true);
    expect(matchesOutput('a 1\nb\n', ['a 1'])).toBe(false);
    expect(matchesOutput('a 1\n', ['a 1', 'b'])).toBe(false);
    expect(matchesOutput('code 123456 ok\n', ['code … ok'])).toBe(true);
    expect(matchesOutput('x\n1\n2\n3\ny\n', ['x', '…', 'y'])).toBe(true);
    expect(matchesOutput('x\ny\n', ['x', '…', 'y'])).toBe(false);
    expect(matchesOutput('', [])).toBe(true);
  });

  it('fails a block that prints something else, writes to stderr, throws, or never exits', async () => {
    const block = (code: string) => ({ file: 'self-test.md', line: 1, code, info: '', mode: 'run' as const });
    const runs = await runExamples(
      [
        block("console.log('as said'); // prints as said"),
        block("console.log('something else'); // prints as said"),
        block("console.warn('a warning');"),
        block("throw new Error('boom');"),
        block('setInterval(() => {}, 1000); // an open handle, like an unclosed pool'),
      ],
      { timeoutMs: 5_000 },
    );
    expect(runs.map((run) => run.problems.length > 0)).toEqual([false, true, true, true, true]);
    expect(runs[1]!.problems.join()).toMatch(/but its \/\/ prints comments say/);
    expect(runs[2]!.problems.join()).toMatch(/wrote to stderr/);
    expect(runs[3]!.problems.join()).toMatch(/exited with 1/);
    expect(runs[4]!.problems.join()).toMatch(/does it close what it opens/);
  }, 120_000);

  it('the ones that need no server run, print what they say and exit', async () => {
    const runs = await runExamples(examples.filter((e) => e.mode === 'run'));
    const failures = runs
      .filter((run) => run.problems.length > 0)
      .map((run) => `${run.example.file}:${run.example.line}\n${run.problems.join('\n')}`);
    expect(failures).toEqual([]);
  }, 600_000);
});
