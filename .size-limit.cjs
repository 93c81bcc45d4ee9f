// size-limit budgets, measured like the issue asks: esbuild, minified, every dependency
// bundled, gzip. The URI functions join the core entry as soon as the build exports them.
const { readFileSync } = require('node:fs');

const typings = readFileSync(`${__dirname}/dist/index.d.ts`, 'utf8');
const uri = ['buildOtpauthUri', 'parseOtpauthUri'].filter((name) => typings.includes(`function ${name}(`));
const core = ['generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32', ...uri];

// The target is 6 KB. The core measured 6.45 KB on 2026-11-23 (esbuild, minified,
// gzip; the Key URI code is the largest part, SHA-256 and SHA-512 about 1 KB), so until it
// reaches 6 KB this is a regression ceiling, not the target: lower it, down to 6 KB, whenever
// the core shrinks. `npm run size:report` has the breakdown and the peers measured the same way.
module.exports = [
  {
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '7 KB',
    gzip: true,
  },
  {
    // A SHA1-only TOTP app still gets SHA-256/512 (one hash table in src/_hotp.ts is not
    // tree-shakable); scripts/size-report.mjs prints what a SHA1-only build would weigh.
    name: 'core, SHA1 users (generateSecret, generateTotp, verifyTotp)',
    path: 'dist/index.js',
    import: '{ generateSecret, generateTotp, verifyTotp }',
    limit: '7 KB',
    gzip: true,
  },
];
