/** `[name, source]` of every entry point: `index` for `factorkit`, else the subpath's name. */
export const ENTRIES: [string, string][];
