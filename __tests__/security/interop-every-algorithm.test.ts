import { generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import * as jose from 'jose';
import request from 'supertest';
import type { Algorithm, InvalidTokenReason } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { type PyJwtJob, signWithPyJwt } from '../helpers/pyjwt';
import { expectTokenRefused } from '../helpers/security-backends';
import { describeWithTool, PYJWT } from '../helpers/system-tool';
import { claims, keys, NOW, SECRET } from '../helpers/tokens';

// Every supported algorithm, valid and invalid tokens, from two independent producers: PyJWT
// (Python on pyca/cryptography, Debian's python3-jwt, which signs EdDSA with Ed25519 and Ed448
// keys) and jose. __tests__/jwt/interop-pyjwt.test.ts and interop-jose.test.ts cover part of
// this matrix; this file completes it (PyJWT EdDSA; jose HS384/512, RS384/512, PS384/512).

const ed25519 = generateKeyPairSync('ed25519');
const ed448 = generateKeyPairSync('ed448');
const others = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ec384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  ec521: generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
  ed25519: generateKeyPairSync('ed25519'),
  ed448: generateKeyPairSync('ed448'),
};
const OTHER_SECRET = 'another-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';

/** One row of the matrix: the algorithm, the key pair that signs, and one the backend does not trust. */
interface Variant {
  readonly name: string;
  readonly alg: Algorithm;
  readonly trusted: KeyPairKeyObjectResult | 'secret';
  readonly untrusted: KeyPairKeyObjectResult | 'secret';
}

const VARIANTS: readonly Variant[] = [
  ...(['HS256', 'HS384', 'HS512'] as const).map((alg): Variant => ({ name: alg, alg, trusted: 'secret', untrusted: 'secret' })),
  ...(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const).map((alg): Variant => ({ name: alg, alg, trusted: keys.rsa, untrusted: others.rsa })),
  { name: 'ES256', alg: 'ES256', trusted: keys.ec256, untrusted: others.ec256 },
  { name: 'ES384', alg: 'ES384', trusted: keys.ec384, untrusted: others.ec384 },
  { name: 'ES512', alg: 'ES512', trusted: keys.ec521, untrusted: others.ec521 },
  { name: 'EdDSA (Ed25519)', alg: 'EdDSA', trusted: ed25519, untrusted: others.ed25519 },
  { name: 'EdDSA (Ed448)', alg: 'EdDSA', trusted: ed448, untrusted: others.ed448 },
];

/** The token cases each producer signs, and what the backend must answer. */
const CASES: readonly (readonly [string, Record<string, unknown>, 'trusted' | 'untrusted', InvalidTokenReason | null, string | undefined])[] = [
  ['a valid token', claims(), 'trusted', null, undefined],
  ['a token signed with a key the backend does not trust', claims(), 'untrusted', 'bad_signature', undefined],
  ['an expired token', claims({ iat: NOW - 7200, exp: NOW - 3600 }), 'trusted', 'expired', 'exp'],
  ['a token not valid yet', claims({ nbf: NOW + 3600 }), 'trusted', 'not_yet_valid', 'nbf'],
];

const privatePem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const signingKey = (pair: KeyPairKeyObjectResult | 'secret', which: 'trusted' | 'untrusted'): string =>
  pair === 'secret' ? (which === 'trusted' ? SECRET : OTHER_SECRET) : privatePem(pair.privateKey);
const verificationKey = (variant: Variant): string | KeyObject => (variant.trusted === 'secret' ? SECRET : variant.trusted.publicKey);
const jobName = (variant: Variant, caseName: string): string => `${variant.name} / ${caseName}`;

async function joseSign(variant: Variant, payload: Record<string, unknown>, which: 'trusted' | 'untrusted'): Promise<string> {
  const pair = which === 'trusted' ? variant.trusted : variant.untrusted;
  const key = pair === 'secret' ? new TextEncoder().encode(signingKey(pair, which)) : pair.privateKey;
  return new jose.SignJWT(payload as jose.JWTPayload).setProtectedHeader({ alg: variant.alg, typ: 'JWT' }).sign(key);
}

type Producer = 'PyJWT' | 'jose';

const tokens: Record<Producer, Map<string, string>> = { PyJWT: new Map<string, string>(), jose: new Map<string, string>() };

/** Every token of the matrix, signed by PyJWT in one Python process. */
function signEveryCaseWithPyJwt(): void {
  if (tokens.PyJWT.size > 0) return;
  const jobs: Record<string, PyJwtJob> = {};
  for (const variant of VARIANTS) {
    for (const [caseName, payload, which] of CASES) {
      const pair = which === 'trusted' ? variant.trusted : variant.untrusted;
      jobs[jobName(variant, caseName)] = { alg: variant.alg, key: signingKey(pair, which), claims: payload };
    }
  }
  for (const [name, token] of Object.entries(signWithPyJwt(jobs).tokens)) tokens.PyJWT.set(name, token);
}

beforeAll(async () => {
  for (const variant of VARIANTS) {
    for (const [caseName, payload, which] of CASES) tokens.jose.set(jobName(variant, caseName), await joseSign(variant, payload, which));
  }
});

/** The whole matrix for tokens made by one producer. */
function everyAlgorithm(producer: Producer, expressFactory: (typeof EXPRESS_VERSIONS)[number][1]): void {
  describe.each(VARIANTS.map((variant) => [variant.name, variant] as const))('signed with %s', (_name, variant) => {
    it.each(CASES.map((one) => [one[0], one] as const))('answers %s correctly', async (caseName, [, payload, , reason, claim]) => {
      const token = tokens[producer].get(jobName(variant, caseName)) as string;
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({ alg: variant.alg });
      const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: verificationKey(variant), algorithm: variant.alg }) });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      if (reason === null) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          user: { isAuthenticated: true, displayName: 'alice', identity: 'user-1' },
          scopes: ['authenticated', 'read'],
          payload,
        });
        expect(probe.handlerRan).toBe(true);
      } else {
        expectTokenRefused(res, probe, reason, claim);
      }
    });
  });
}

describe.each(EXPRESS_VERSIONS)('Interoperability for every algorithm on %s', (_version, expressFactory) => {
  describeWithTool(PYJWT, 'with tokens made by PyJWT', () => {
    beforeAll(signEveryCaseWithPyJwt);
    everyAlgorithm('PyJWT', expressFactory);
  });

  describe('with tokens made by jose', () => {
    everyAlgorithm('jose', expressFactory);
  });
});
