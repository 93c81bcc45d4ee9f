// Issue 28: a WebAuthn sign-in through the lifecycle (twoFactor.verify with the browser's
// assertion over MemoryStore: load the record, find the credential and its live challenge, open
// the sealed public key, verify, move the counter, write back) beside the bare
// verifyAuthenticationResponse of @simplewebauthn/server it performs, with the same kind of
// assertion (ES256, a security key), timed in the same rounds.
//
// The assertions come from a software authenticator: a P-256 key of node:crypto, the
// authenticator data and client data laid out as WebAuthn §6.1 and §5.8.1 give them, CBOR from
// simplewebauthn's own helpers. Signing happens before timing starts: only verification is timed.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { MemoryStore } from 'factorkit';
import { webauthn } from 'factorkit/webauthn';
import { type AsyncBenchCase, type CaseResult, fastestRatio, type HarnessOptions, runAsyncCase } from './harness.js';
import { benchLifecycle } from './lifecycle-cases.js';

const RP_ID = 'bench.example';
const ORIGIN = `https://${RP_ID}`;
const CALLS_PER_BATCH = 20;
const MAX_ROUNDS = 40;
const USERS = (MAX_ROUNDS + 1) * CALLS_PER_BATCH;
/** Issue 28: at most 1.5x the bare library call, in the fastest batches. */
export const WEBAUTHN_TARGET = {
  subject: 'twoFactor.verify (webauthn, MemoryStore)',
  max: 1.5,
  description: 'WebAuthn sign-in through the lifecycle at most 1.5x the bare verifyAuthenticationResponse',
};

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string) => new Uint8Array(createHash('sha256').update(bytes).digest());
const FLAG_USER_PRESENT = 0x01;
const FLAG_ATTESTED_DATA = 0x40;

/** A security key of one credential: what a CTAP2 USB key without user verification answers. */
class SoftwareKey {
  readonly id = crypto.getRandomValues(new Uint8Array(16));
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private counter = 0;

  get publicKeyCose(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    // COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  private authenticatorData(flags: number, attested?: Uint8Array): Uint8Array {
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, ++this.counter);
    return Buffer.concat([sha256(RP_ID), Uint8Array.of(flags), count, ...(attested ? [attested] : [])]);
  }

  register(challenge: string): object {
    const idLength = Uint8Array.of(this.id.length >> 8, this.id.length & 0xff);
    const attested = Buffer.concat([new Uint8Array(16), idLength, this.id, this.publicKeyCose]);
    const authData = this.authenticatorData(FLAG_USER_PRESENT | FLAG_ATTESTED_DATA, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge, origin: ORIGIN, crossOrigin: false });
    return this.credential({
      clientDataJSON: b64url(Buffer.from(clientData)),
      attestationObject: b64url(attestationObject),
      transports: ['usb'],
    });
  }

  assert(challenge: string): object {
    const authData = this.authenticatorData(FLAG_USER_PRESENT);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge, origin: ORIGIN, crossOrigin: false }),
    );
    // ES256 signatures are DER-encoded in WebAuthn (§6.5.6); node:crypto's default for EC keys.
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.keys.privateKey as KeyObject);
    return this.credential({
      clientDataJSON: b64url(clientData),
      authenticatorData: b64url(authData),
      signature: b64url(signature),
    });
  }

  private credential(response: object): object {
    const id = b64url(this.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response,
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }
}

async function enrolledUsers() {
  const twoFactor = benchLifecycle({
    store: new MemoryStore(),
    factors: [webauthn({ rpID: RP_ID, rpName: 'Bench', origins: [ORIGIN] })],
  });
  const users: { userId: string; assertion: object }[] = [];
  for (let i = 0; i < USERS; i++) {
    const userId = `webauthn-${i}`;
    const key = new SoftwareKey();
    const begun = await twoFactor.beginEnrollment(userId, {
      type: 'webauthn',
      kind: 'security-key',
      userName: `u${i}`,
    });
    const { options } = begun;
    const confirmed = await twoFactor.confirmEnrollment(
      userId,
      { webauthn: key.register(options.challenge) },
      { factorId: begun.factorId },
    );
    if (!confirmed.ok) throw new Error(`webauthn bench: confirmation refused (${confirmed.reason})`);
    const asked = await twoFactor.requestAssertion(userId);
    if (!asked.ok) throw new Error(`webauthn bench: assertion request refused (${asked.reason})`);
    users.push({ userId, assertion: key.assert(asked.options.challenge) });
  }
  return { twoFactor, users };
}

/** The bare call's inputs: one credential, one challenge, asserted once and verified repeatedly. */
function bareInputs() {
  const key = new SoftwareKey();
  const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
  key.register(challenge);
  return {
    response: key.assert(challenge) as never,
    expectedChallenge: challenge,
    expectedOrigin: [ORIGIN],
    expectedRPID: RP_ID,
    credential: {
      id: b64url(key.id),
      publicKey: new Uint8Array(key.publicKeyCose),
      counter: 0,
      transports: ['usb' as const],
    },
    requireUserVerification: false,
  };
}

export async function webauthnCase(rounds: number): Promise<AsyncBenchCase> {
  const { twoFactor, users } = await enrolledUsers();
  const bare = bareInputs();
  let next = 0;
  return {
    id: 'webauthn-sign-in',
    title: 'WebAuthn sign-in: twoFactor.verify over MemoryStore vs the bare verifyAuthenticationResponse',
    expected: true,
    reference: 'verifyAuthenticationResponse (bare)',
    callsPerBatch: CALLS_PER_BATCH,
    rounds,
    subjects: [
      {
        name: 'verifyAuthenticationResponse (bare)',
        run: () => verifyAuthenticationResponse(bare),
        outcome: (r) => (r as { verified: boolean }).verified,
      },
      {
        // Each user signs in once: the challenge is single use.
        name: WEBAUTHN_TARGET.subject,
        run: () => {
          const user = users[next++]!;
          return twoFactor.verify(user.userId, { webauthn: user.assertion });
        },
        outcome: (r) => (r as { ok: boolean }).ok,
      },
    ],
  };
}

export async function runWebauthnCase(options: HarnessOptions): Promise<CaseResult & { target: object }> {
  const rounds = Math.min(options.rounds, MAX_ROUNDS);
  const result = await runAsyncCase(await webauthnCase(rounds), { ...options, rounds });
  const ratio = fastestRatio(result, WEBAUTHN_TARGET.subject);
  const medianRatio = result.subjects.find((s) => s.name === WEBAUTHN_TARGET.subject)!.ratioToReference;
  const met = ratio <= WEBAUTHN_TARGET.max;
  console.log(
    `${met ? 'met   ' : 'MISSED'}  ${WEBAUTHN_TARGET.description}: ${ratio.toFixed(2)}x fastest batches, ` +
      `${medianRatio.toFixed(2)}x median of paired rounds (max ${WEBAUTHN_TARGET.max}x)`,
  );
  return { ...result, target: { ...WEBAUTHN_TARGET, ratio, medianRatio, met } };
}
