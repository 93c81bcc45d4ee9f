// A regression guard only, not a budget: size is judged beside the peers (`npm run size:report`
// and the benchmark print factorkit's core next to otpauth and otplib, measured the same way).
// The ceiling sits a little above today's core so that an accidental import of a large module
// (the QR encoder, scrypt, the lifecycle) into the core entry fails `npm test`. It rose from
// 10.5 KB to 12.75 KB with issue 19: parseOtpauthUri now carries the lenient parser and its
// warning texts (about 1.8 KB gzip), which one function with a `lenient` option cannot shed.
const core = require('./scripts/core-exports.json');

module.exports = [
  {
    name: `core: ${core.join(', ')} (SHA1, SHA256, SHA512)`,
    path: 'dist/index.js',
    import: `{ ${core.join(', ')} }`,
    limit: '12.75 KB',
    gzip: true,
  },
  {
    // Issue 23's target was 28 KB: an app that uses authenticator apps only bundles neither
    // delivered codes nor a QR encoder nor a JavaScript AES (27.58 KB then). Issue 25's strength
    // rule, stepUp, keyed remembered devices and the per-user queue added 1.1 KB (28.67 KB),
    // retryable backup codes (D6) and issue 26's generic kernel hooks (signals, suspended
    // factors) 1.1 KB more (29.75 KB): the target is missed by that much, and this ceiling
    // only keeps it from growing further. Issue 27's lifecycle gaps (pendingEnrollment, the
    // replaced enrollment's check, sessions-should-end, statusOf, label and name rules) added
    // 1.1 KB (30.85 KB), its single-use sign-in tickets (redeemSignInTicket, checkSignInTicket
    // and the record's redeemedTickets) 0.65 KB more (31.5 KB); issue 28's active summary 0.25 KB
    // (31.75 KB), its native HMAC-SHA256 for keyed hashes (platform/hmac-sha256.ts) 0.13 KB
    // (31.9 KB); the backup-code set's keyed binding (engine/backup-binding.ts: a set planted in
    // the database is refused) 0.33 KB (32.23 KB).
    name: 'lifecycle, authenticator apps only: createTwoFactor, MemoryStore',
    path: 'dist/index.js',
    import: '{ createTwoFactor, MemoryStore }',
    limit: '32.5 KB',
    gzip: true,
  },
  {
    // The web half over the lifecycle the app already bundles: the router, cookies, CSRF, the
    // sealing of tickets and grants, every language of factorkit/messages (a failure answers in
    // the request's language, so all five ship) and the QR encoder (the enrollment route answers
    // the QR as SVG). Measured alone, so it includes what it shares with createTwoFactor
    // (29.46 KB when it was added).
    name: 'web half: createSecondStep (factorkit/http)',
    path: 'dist/http.js',
    import: '{ createSecondStep }',
    limit: '31 KB',
    gzip: true,
  },
];
