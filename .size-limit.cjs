// size-limit budgets, measured like the issue asks: esbuild, minified, every dependency
// bundled, gzip. The URI functions join the core entry as soon as the build exports them.
const { readFileSync } = require('node:fs');

const typings = readFileSync(`${__dirname}/dist/index.d.ts`, 'utf8');
const uri = ['buildOtpauthUri', 'parseOtpauthUri'].filter((name) => typings.includes(`function ${name}(`));
const core = ['generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32', ...uri];

// The target is 6 KB; the core measures 7.1 KB (esbuild, minified, gzip) since the OTP
// core computes HMAC over its own SHA-1/SHA-256/SHA-512 (SHA-256 and SHA-512 cost about 1.1 KB
// of it). The largest remaining part is the Key URI code (src/uri.ts and src/_uri-record.ts,
// 6 KB minified, about 2 KB gzip); `npm run size:report` has the breakdown and the peers
// measured the same way. Until the core reaches 6 KB this is a regression ceiling, not the
// target: lower it whenever the core shrinks.
module.exports = [
  {
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '7.5 KB',
    gzip: true,
  },
  {
    // A SHA1-only TOTP app still gets SHA-256/512 (one hash table in src/_hotp.ts is not
    // tree-shakable); scripts/size-report.mjs prints what a SHA1-only build would weigh.
    name: 'core, SHA1 users (generateSecret, generateTotp, verifyTotp)',
    path: 'dist/index.js',
    import: '{ generateSecret, generateTotp, verifyTotp }',
    limit: '7.5 KB',
    gzip: true,
  },
];
