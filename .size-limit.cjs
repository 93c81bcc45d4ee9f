// size-limit budgets, measured like the issue asks: esbuild, minified, every dependency
// bundled, gzip. scripts/bundle-size.mjs measures the peers and the SHA1-only figure with
// size-limit's own plugins (`npm run size:report`, and the benchmark), so the numbers agree.
const core = require('./scripts/core-exports.json');

module.exports = [
  {
    // Issue #9's budget: 6 KB (6,000 B) for generate + verify + URI, all three algorithms.
    // 5,978 B on 2026-11-23. What it weighs (gzip -9): the Key URI functions about 1.2 KB,
    // SHA-256 + SHA-512 about 1 KB, base32-encode + base32-decode + to-data-view with our
    // checks about 1.1 KB, the ~40 error messages about 0.35 KB.
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '6 KB',
    gzip: true,
  },
  {
    // A SHA1-only TOTP app still gets SHA-256/512 (one hash table in src/_hotp.ts is not
    // tree-shakable); `npm run size:report` prints what a SHA1-only build would weigh.
    name: 'core, SHA1 users (generateSecret, generateTotp, verifyTotp)',
    path: 'dist/index.js',
    import: '{ generateSecret, generateTotp, verifyTotp }',
    limit: '4.35 KB',
    gzip: true,
  },
];
