// Runner for the CommonJS build: Node and Bun `require()` dist/index.cjs.
const lib = { ...require('../../dist/index.cjs'), messages: require('../../dist/messages.cjs') };

import('./suite.mjs').then(async ({ RESULT_MARKER, run }) => {
  console.log(RESULT_MARKER + JSON.stringify(await run(lib)));
});
