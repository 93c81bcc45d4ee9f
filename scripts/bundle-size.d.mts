import type { Plugin } from 'esbuild';

export function bundleSize(
  imports: Record<string, string>,
  plugins?: Plugin[],
): Promise<{ minifiedBytes: number; gzipBytes: number }>;

/** The core entry the size budget is about (scripts/core-exports.json). */
export const CORE_EXPORTS: string[];
