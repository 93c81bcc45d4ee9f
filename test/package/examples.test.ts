// Every ```ts block in a TSDoc @example (src/) and in README.md and docs/*.md compiles
// against the real API (scripts/extract-examples.mjs).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript script, also run from the command line
import { checkExamples } from '../../scripts/extract-examples.mjs';

describe('documentation examples', () => {
  it('type-check, one module per example', () => {
    const { examples, errors } = (checkExamples as () => { examples: { file: string }[]; errors: string[] })();
    expect(examples.filter((e) => e.file.startsWith('src/')).length).toBeGreaterThanOrEqual(20);
    expect(examples.some((e) => e.file === 'README.md')).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
