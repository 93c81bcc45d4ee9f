// A 2FA record exactly as factorkit 0.0.0 wrote it (record format v1: one active and one
// pending slot; backup-code set v1), generated at commit c38d2f6 by enrolling, using backup
// code 0 and beginning a second enrollment. Its secrets are sealed with the keyring below and
// bound to `userId`, so the record only opens under that user id. Kept verbatim: the suite
// checks that every store reads it, signs in with it and migrates it on the next write.
export const RECORD_V1_FIXTURE = {
  comment:
    'A 2FA record as factorkit 0.0.0 (record format v1, backup-code set v1) wrote it, generated at commit c38d2f6 by enrolling, using backup code 0 and beginning a second enrollment. The keyring key is bytes (i*7+3)&0xff.',
  userId: 'fixture-user',
  keyring: {
    currentKeyId: 'fixture-2026',
    keyHex: '030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc',
  },
  writtenAt: 1767225640000,
  activeSecret: '6GZWA65HSPKAGNBSJ7Y6CTF3ERUHL2RJ',
  pendingSecret: 'UNE3Y6PEEDEH5TD32SUAT4QJHB5YHCXW',
  pendingExpiresAt: 1767226240000,
  backupCodes: [
    '9WSQB-TAP2Q-282GY',
    'VEXM4-84DWD-8SXMN',
    'WG4JM-6449X-6TNN2',
    'DCKVK-SCRBK-ZX8YW',
    'KPSTH-7NXA2-KGY2H',
  ],
  usedBackupCodeIndexes: [0],
  record: {
    status: 'activated',
    data: '{"v":1,"pending":{"secret":{"enc":"A256GCM","keyId":"fixture-2026","iv":"WlvD5MUKmcYt2MEV","ct":"iFZLSN0uELkHJ22a_CcHdY7T9OFqCjFJ18H_vGQNqb1w59Y0"},"totp":{"algorithm":"SHA1","digits":6,"period":30},"expiresAt":1767226240000},"active":{"secret":{"enc":"A256GCM","keyId":"fixture-2026","iv":"prAb0muBQ4nDHOFQ","ct":"FUZhvMAsoYHlI0l5flI9OaZ01uuqfTQ3i3F3H3wFASvEgGkK"},"totp":{"algorithm":"SHA1","digits":6,"period":30},"lastStep":58907520,"driftSteps":0,"activatedAt":1767225610000},"backupCodes":{"version":1,"generationId":"xQt2XQV6JmUYFTVwSqzKTA","createdAt":1767225610000,"kdf":{"algorithm":"scrypt","N":16384,"r":8,"p":5,"dkLen":32},"salt":"Jr5uHbqTBG-U5nyd19BXCQ","codes":[{"hash":"2Eyoo3RvmHMdNjf0g7cMSbfubyALZTXYeOYnwc-VyYY","usedAt":1767225640000},{"hash":"-490M4BxHGGBf1ckkkrm0kpRZ98J9t_ImQILhAxduQE","usedAt":null},{"hash":"HO18qYqgrGvVHmutT7MFHqWSm90LECfU8nZzAgSSuzk","usedAt":null},{"hash":"BGthNb_ry6ZAlZ3MGK2o7Z_Y7BcSLOaTbeR-5ZpuxVc","usedAt":null},{"hash":"GTLeYf1-d4KMvJ2VqME2ikxEVoaUVYmEMkk8Rsu1YiQ","usedAt":null}]},"throttle":{"failures":0,"lockedUntil":0,"hardLockedAt":null}}',
    updatedAt: 1767225640000,
  },
} as const;
