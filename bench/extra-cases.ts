import type { BenchCase } from './harness.js';

export async function extraCases(): Promise<BenchCase[]> {
  return [];
}
