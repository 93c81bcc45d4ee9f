export interface DocExample {
  file: string;
  line: number;
  code: string;
  info: string;
  mode?: 'run' | 'services' | 'no-run';
  needs?: string[];
  reason?: string;
  error?: string;
  /** Run as a CommonJS .cjs file that requires the built dist/. */
  cjs?: boolean;
}
export interface ExampleRun {
  example: DocExample;
  stdout: string;
  stderr: string;
  problems: string[];
}
export const SERVICES: Record<string, Record<string, string>>;
export const TEST_KEYS: string;
export function runMode(info: string): Pick<DocExample, 'mode' | 'needs' | 'reason' | 'error' | 'cjs'>;
export function collectDocExamples(): DocExample[];
export function expectedOutput(code: string): string[];
export function matchesOutput(stdout: string, expected: string[]): boolean;
export function runExamples(
  examples: DocExample[],
  options?: { concurrency?: number; timeoutMs?: number; onResult?: (run: ExampleRun) => void },
): Promise<ExampleRun[]>;
