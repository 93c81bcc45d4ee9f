// Runner for runtimes that load the ESM build from disk: Node (import), Bun and Deno.
import * as lib from '../../dist/index.js';
import * as messages from '../../dist/messages.js';
import { RESULT_MARKER, run } from './suite.mjs';

console.log(RESULT_MARKER + JSON.stringify(await run({ ...lib, messages })));
