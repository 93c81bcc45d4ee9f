/** `[name, source]` of every entry point: `index` for `factorkit`, else the subpath's name. */
export const ENTRIES: [string, string][];
/** The entries published as ES modules only (no .cjs, no .d.cts). */
export const ESM_ONLY: Set<string>;
