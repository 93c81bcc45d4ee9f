// Runner for the CommonJS build: Node and Bun `require()` dist/index.cjs. factorkit/messages is
// ES modules only, so CommonJS code loads it as an app would, with import().
const core = require('../../dist/index.cjs');

Promise.all([import('../../dist/messages.js'), import('./suite.mjs')]).then(
  async ([messages, { RESULT_MARKER, run }]) => {
    console.log(RESULT_MARKER + JSON.stringify(await run({ ...core, messages })));
  },
);
