export interface BundleSize {
  name: string;
  /** module -> what is imported from it, as in size-limit's `import` option */
  imports: Record<string, string>;
  minifiedBytes: number;
  gzipBytes: number;
}

/** The subject of issue 23's bundle target: createTwoFactor and MemoryStore, no other factor module. */
export const LIFECYCLE_TOTP_ONLY: string;

/** Every subject measured: factorkit's core (dist/) and the peers. */
export const SUBJECTS: { name: string; imports: Record<string, string> }[];

/** Measures every subject in {@link SUBJECTS}; needs a built dist/. */
export function sizeReport(): Promise<BundleSize[]>;

/** One aligned line per bundle: name, minified and gzip sizes in kB. */
export function formatSizes(sizes: BundleSize[]): string[];
