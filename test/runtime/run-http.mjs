// Runner of factorkit/http's runtime cases (http-suite.mjs) for runtimes that load the ESM build
// from disk: Node, Bun and Deno. Prints the results line that test/runtime/matrix.ts reads.
import * as lib from '../../dist/index.js';
import { createSecondStep } from '../../dist/http.js';
import { RESULT_MARKER, run } from './http-suite.mjs';

console.log(RESULT_MARKER + JSON.stringify(await run({ ...lib, createSecondStep })));
