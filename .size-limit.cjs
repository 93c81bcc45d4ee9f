// size-limit budgets, measured like the issue asks: esbuild, minified, every dependency
// bundled, gzip. The URI functions join the core entry as soon as the build exports them.
const { readFileSync } = require('node:fs');

const typings = readFileSync(`${__dirname}/dist/index.d.ts`, 'utf8');
const uri = ['buildOtpauthUri', 'parseOtpauthUri'].filter((name) => typings.includes(`function ${name}(`));
const core = ['generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32', ...uri];

// The target is 6 KB. The core alone measures 8.8 KB today, 5.6 KB of it
// @noble/hashes' HMAC + SHA-1 + SHA-256 + SHA-512 (SHA-512 by itself is 2.2 KB), so 6 KB
// cannot be met without replacing or lazily loading the SHA-2 hashes. Until that decision
// is made this is a regression ceiling, not the target: lower it when the core shrinks.
module.exports = [
  {
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '10 KB',
    gzip: true,
  },
  {
    // SHA-1 is not tree-shakable from the SHA-2 hashes yet (one table in src/_hotp.ts), so this
    // equals the line above; scripts/size-report.mjs prints what a SHA1-only build would weigh.
    name: 'core, SHA1 users (generateSecret, generateTotp, verifyTotp)',
    path: 'dist/index.js',
    import: '{ generateSecret, generateTotp, verifyTotp }',
    limit: '10 KB',
    gzip: true,
  },
];
