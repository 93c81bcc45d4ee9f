// size-limit budgets, measured like the issue asks: esbuild, minified, every dependency
// bundled, gzip. The URI functions join the core entry as soon as the build exports them.
const { readFileSync } = require('node:fs');

const typings = readFileSync(`${__dirname}/dist/index.d.ts`, 'utf8');
const uri = ['buildOtpauthUri', 'parseOtpauthUri'].filter((name) => typings.includes(`function ${name}(`));
const core = ['generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32', ...uri];

// The target is 6 KB; the core measures 11.3 KB (esbuild, minified, gzip). Of that,
// @noble/hashes' HMAC + SHA-1 + SHA-256 + SHA-512 alone is 5.6 KB (SHA-512 2.2 KB), the Key URI
// functions about 2.9 KB and the dedicated HMAC-SHA1 path 0.9 KB; `npm run size:report` has
// the breakdown and the peers measured the same way. 6 KB cannot be met without replacing the
// SHA-2 hashes or making them tree-shakable, so this is a regression ceiling, not the target:
// lower it whenever the core shrinks.
module.exports = [
  {
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '12 KB',
    gzip: true,
  },
  {
    // A SHA1-only TOTP app still gets SHA-256/512 (one hash table in src/_hotp.ts is not
    // tree-shakable); scripts/size-report.mjs prints what a SHA1-only build would weigh.
    name: 'core, SHA1 users (generateSecret, generateTotp, verifyTotp)',
    path: 'dist/index.js',
    import: '{ generateSecret, generateTotp, verifyTotp }',
    limit: '12 KB',
    gzip: true,
  },
];
