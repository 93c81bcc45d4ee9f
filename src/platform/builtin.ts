// Node's built-in modules, looked up at run time through `process.getBuiltinModule` (Node 20.16
// and later, Bun, Deno) so that nothing imports a `node:` module statically: bundles for
// browsers and workers stay clean, and the same code takes the native path where there is one.

/**
 * The built-in module `id` (e.g. `'node:crypto'`), or undefined in runtimes without
 * `process.getBuiltinModule` or that refuse the module.
 */
export function loadBuiltin(id: string): unknown {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    if (typeof proc?.getBuiltinModule !== 'function') return undefined;
    return proc.getBuiltinModule(id) ?? undefined;
  } catch {
    // A runtime that has the hook but refuses the module: as if it had none.
    return undefined;
  }
}
