/** Sizes by subject: the factorkit core (dist/), its SHA1-only figure and the peers. */
export function sizeReport(): Promise<Record<string, { minifiedBytes: number; gzipBytes: number }>>;
