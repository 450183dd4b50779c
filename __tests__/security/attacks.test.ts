import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import request from 'supertest';
import type { Algorithm, InvalidTokenReason, JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import {
  derEcdsaToken, groupOrderToken, hmacSigned, NONE_SPELLINGS, psychicToken, segment, signedToken, unsecuredToken,
  withoutSignature, withPayload,
} from '../helpers/hostile-tokens';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { BACKENDS, expectTokenRefused, withToken } from '../helpers/security-backends';
import { claims, fixedClock, keys, NOW, pem, SECRET } from '../helpers/tokens';

// One named test per attack, for every backend and every way it reads a token. Each attack is
// built the way an attacker would build it (node:crypto, never the library), and each refusal
// is asserted completely: status, WWW-Authenticate, problem+json body, handler not run.

const ISSUER = 'https://issuer.example/';
const AUDIENCE = 'security-suite';

/** The key setups the attacks target; every backend is configured with one of them. */
type Setup = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';

const ed25519 = generateKeyPairSync('ed25519');
const attacker = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ed: generateKeyPairSync('ed25519'),
};

const SETUPS: Readonly<Record<Setup, { readonly secretKey: string | KeyObject; readonly signingKey: string | KeyObject; readonly publicPem?: string }>> = {
  HS256: { secretKey: SECRET, signingKey: SECRET },
  RS256: { secretKey: pem(keys.rsa.publicKey), signingKey: keys.rsa.privateKey, publicPem: pem(keys.rsa.publicKey) },
  ES256: { secretKey: pem(keys.ec256.publicKey), signingKey: keys.ec256.privateKey, publicPem: pem(keys.ec256.publicKey) },
  EdDSA: { secretKey: ed25519.publicKey, signingKey: ed25519.privateKey, publicPem: pem(ed25519.publicKey) },
};

/** The claims every genuine token carries: the test claims plus the issuer and audience checked here. */
const genuineClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => claims({ iss: ISSUER, aud: AUDIENCE, ...overrides });

/** A token signed with the setup's real key: only its claims or headers make it bad. */
const genuine = (setup: Setup, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string =>
  signedToken(setup, SETUPS[setup].signingKey, genuineClaims(overrides), header);

function backendOptions(setup: Setup, extra: Partial<JWTAuthenticationBackendOptions> = {}): JWTAuthenticationBackendOptions {
  return { secretKey: SETUPS[setup].secretKey, algorithm: setup as Algorithm, issuer: ISSUER, audience: AUDIENCE, clock: fixedClock, ...extra };
}

/** Where the attacker's key server listens; the suite asserts it is never contacted. */
let attackerServer: LocalServer;
const attackerRequests: string[] = [];

interface Attack {
  readonly name: string;
  readonly setup: Setup;
  readonly token: () => string;
  readonly reason: InvalidTokenReason;
  readonly claim?: string;
  readonly options?: Partial<JWTAuthenticationBackendOptions>;
}

const ATTACKS: readonly Attack[] = [
  ...(['HS256', 'RS256'] as const).flatMap((setup) => NONE_SPELLINGS.flatMap((alg): Attack[] => [
    { name: `alg "${alg}" without a signature at an ${setup} backend`, setup, token: () => unsecuredToken(alg, genuineClaims()), reason: 'algorithm_not_allowed' },
    {
      name: `alg "${alg}" with the signature of a genuine token at an ${setup} backend`,
      setup,
      token: () => unsecuredToken(alg, genuineClaims(), genuine(setup).split('.')[2]),
      reason: 'algorithm_not_allowed',
    },
  ])),
  { name: 'alg "hs256" in lower case', setup: 'HS256', token: () => hmacSigned({ alg: 'hs256' }, genuineClaims(), SECRET), reason: 'algorithm_not_allowed' },
  { name: 'alg missing from the header', setup: 'HS256', token: () => hmacSigned({ typ: 'JWT' }, genuineClaims(), SECRET), reason: 'algorithm_not_allowed' },
  { name: 'alg given as a list', setup: 'HS256', token: () => hmacSigned({ alg: ['HS256'] }, genuineClaims(), SECRET), reason: 'algorithm_not_allowed' },
  ...(['RS256', 'ES256', 'EdDSA'] as const).map((setup): Attack => ({
    name: `HS256 signed with the ${setup} public key PEM as the HMAC secret (algorithm confusion)`,
    setup,
    token: () => hmacSigned({ alg: 'HS256', typ: 'JWT' }, genuineClaims(), SETUPS[setup].publicPem as string),
    reason: 'algorithm_not_allowed',
  })),
  {
    name: 'an RS256 signature relabelled PS256',
    setup: 'RS256',
    token: () => {
      const [, payload, signature] = genuine('RS256').split('.');
      return `${segment({ alg: 'PS256', typ: 'JWT' })}.${payload}.${signature}`;
    },
    reason: 'algorithm_not_allowed',
  },
  ...(['HS256', 'RS256', 'ES256', 'EdDSA'] as const).flatMap((setup): Attack[] => [
    { name: `a stripped signature at an ${setup} backend`, setup, token: () => withoutSignature(genuine(setup)), reason: 'malformed' },
    {
      name: `a payload tampered to add the admin scope at an ${setup} backend`,
      setup,
      token: () => withPayload(genuine(setup), genuineClaims({ scope: 'read admin' })),
      reason: 'bad_signature',
    },
    { name: `an expired token at an ${setup} backend`, setup, token: () => genuine(setup, { iat: NOW - 7200, exp: NOW - 3600 }), reason: 'expired', claim: 'exp' },
    { name: `a token not valid yet at an ${setup} backend`, setup, token: () => genuine(setup, { nbf: NOW + 600 }), reason: 'not_yet_valid', claim: 'nbf' },
  ]),
  {
    name: 'a payload taken from a token for another user',
    setup: 'RS256',
    token: () => `${genuine('RS256').split('.')[0]}.${genuine('RS256', { sub: 'admin' }).split('.')[1]}.${genuine('RS256').split('.')[2]}`,
    reason: 'bad_signature',
  },
  { name: 'a token signed with the attacker\'s RSA key', setup: 'RS256', token: () => signedToken('RS256', attacker.rsa.privateKey, genuineClaims()), reason: 'bad_signature' },
  {
    name: 'an embedded jwk header naming the attacker\'s RSA key, signed with it',
    setup: 'RS256',
    token: () => signedToken('RS256', attacker.rsa.privateKey, genuineClaims(), { jwk: attacker.rsa.publicKey.export({ format: 'jwk' }) }),
    reason: 'bad_signature',
  },
  {
    name: 'an embedded jwk header naming the attacker\'s EC key, signed with it',
    setup: 'ES256',
    token: () => signedToken('ES256', attacker.ec.privateKey, genuineClaims(), { jwk: attacker.ec.publicKey.export({ format: 'jwk' }) }),
    reason: 'bad_signature',
  },
  {
    name: 'an embedded jwk header holding an HMAC secret the attacker signed with',
    setup: 'HS256',
    token: () => hmacSigned({ alg: 'HS256', jwk: { kty: 'oct', k: Buffer.from('attacker-secret').toString('base64url') } }, genuineClaims(), 'attacker-secret'),
    reason: 'bad_signature',
  },
  {
    name: 'a jku header pointing at the attacker\'s key set, signed with the attacker\'s key',
    setup: 'RS256',
    token: () => signedToken('RS256', attacker.rsa.privateKey, genuineClaims(), { jku: `${attackerServer.origin}/jwks.json`, kid: 'attacker' }),
    reason: 'bad_signature',
  },
  {
    name: 'an x5u header pointing at the attacker\'s certificate, signed with the attacker\'s key',
    setup: 'RS256',
    token: () => signedToken('RS256', attacker.rsa.privateKey, genuineClaims(), { x5u: `${attackerServer.origin}/cert.pem` }),
    reason: 'bad_signature',
  },
  {
    name: 'an x5c header carrying the attacker\'s key, signed with it',
    setup: 'EdDSA',
    token: () => signedToken('EdDSA', attacker.ed.privateKey, genuineClaims(), {
      x5c: [createPublicKey(attacker.ed.privateKey).export({ type: 'spki', format: 'der' }).toString('base64')],
    }),
    reason: 'bad_signature',
  },
  ...['../../etc/passwd', '\' OR 1=1 --', '{"$ne":null}', '__proto__', 'http://127.0.0.1:1/key'].map((kid): Attack => ({
    name: `a kid of ${JSON.stringify(kid)} on a token the attacker signed`,
    setup: 'HS256',
    token: () => hmacSigned({ alg: 'HS256', typ: 'JWT', kid }, genuineClaims(), 'attacker-secret-0123456789abcdef'),
    reason: 'bad_signature',
  })),
  { name: 'a DER-encoded ECDSA signature', setup: 'ES256', token: () => derEcdsaToken('ES256', keys.ec256.privateKey, genuineClaims()), reason: 'bad_signature' },
  { name: 'the all-zero ECDSA signature (psychic signature, CVE-2022-21449)', setup: 'ES256', token: () => psychicToken('ES256', genuineClaims()), reason: 'bad_signature' },
  { name: 'an ECDSA signature with R = S = the group order', setup: 'ES256', token: () => groupOrderToken('ES256', genuineClaims()), reason: 'bad_signature' },
  {
    name: 'the all-zero EdDSA signature',
    setup: 'EdDSA',
    token: () => `${withoutSignature(genuine('EdDSA'))}${Buffer.alloc(64).toString('base64url')}`,
    reason: 'bad_signature',
  },
  { name: 'a token issued in the future', setup: 'HS256', token: () => genuine('HS256', { iat: NOW + 600 }), reason: 'not_yet_valid', claim: 'iat' },
  { name: 'a token without exp', setup: 'HS256', token: () => genuine('HS256', { exp: undefined }), reason: 'missing_claim', claim: 'exp' },
  { name: 'a token from another issuer', setup: 'RS256', token: () => genuine('RS256', { iss: 'https://evil.example/' }), reason: 'claim_mismatch', claim: 'iss' },
  { name: 'a token for another audience', setup: 'RS256', token: () => genuine('RS256', { aud: 'other-api' }), reason: 'claim_mismatch', claim: 'aud' },
  { name: 'a token without iss', setup: 'HS256', token: () => genuine('HS256', { iss: undefined }), reason: 'missing_claim', claim: 'iss' },
  { name: 'an iss that is not a string', setup: 'HS256', token: () => genuine('HS256', { iss: [ISSUER] }), reason: 'malformed', claim: 'iss' },
  { name: 'an aud list with a non-string member', setup: 'HS256', token: () => genuine('HS256', { aud: [AUDIENCE, 7] }), reason: 'malformed', claim: 'aud' },
  {
    name: 'an ID token (typ JWT) at a backend that requires at+jwt',
    setup: 'HS256',
    token: () => genuine('HS256'),
    reason: 'claim_mismatch',
    claim: 'typ',
    options: { type: 'at+jwt' },
  },
  { name: 'an unknown critical extension', setup: 'HS256', token: () => genuine('HS256', {}, { crit: ['urn:example:ext'], 'urn:example:ext': 1 }), reason: 'unsupported_extension', claim: 'crit' },
  { name: 'an unencoded payload (crit b64, RFC 7797)', setup: 'RS256', token: () => genuine('RS256', {}, { b64: false, crit: ['b64'] }), reason: 'unsupported_extension', claim: 'crit' },
  { name: 'a crit header that is not a list', setup: 'HS256', token: () => genuine('HS256', {}, { crit: 'b64' }), reason: 'malformed', claim: 'crit' },
  { name: 'a genuine token grown past 8 KiB', setup: 'HS256', token: () => genuine('HS256', { padding: 'x'.repeat(8200) }), reason: 'too_large' },
  { name: 'a JWE-shaped token of five segments', setup: 'HS256', token: () => `${genuine('HS256')}.${segment('iv')}.${segment('tag')}`, reason: 'malformed' },
  { name: 'a token with its segments swapped', setup: 'HS256', token: () => genuine('HS256').split('.').reverse().join('.'), reason: 'malformed' },
];

beforeAll(async () => {
  attackerServer = await listenLocally((req, res) => {
    attackerRequests.push(req.url ?? '');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [{ ...attacker.rsa.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' }] }));
  });
});

afterAll(async () => {
  await attackerServer.close();
});

describe.each(EXPRESS_VERSIONS)('Attacks on %s', (_version, expressFactory) => {
  describe.each(BACKENDS)('against $name', (backendKind) => {
    function send(setup: Setup, token: string, extra?: Partial<JWTAuthenticationBackendOptions>): Promise<{ res: request.Response; probe: ReturnType<typeof buildApp>['probe'] }> {
      const { app, probe } = buildApp({ expressFactory, backend: backendKind.build(backendOptions(setup, extra)) });
      return withToken(request(app).get('/probe'), backendKind.transport, token).then((res) => ({ res, probe }));
    }

    it.each(['HS256', 'RS256', 'ES256', 'EdDSA'] as const)('accepts a genuine %s token, so every refusal below is the attack\'s doing', async (setup) => {
      const { res, probe } = await send(setup, genuine(setup));
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
      expect(probe.handlerRan).toBe(true);
    });

    it.each(ATTACKS.map((attack) => [attack.name, attack] as const))('refuses %s', async (_name, attack) => {
      const token = attack.token();
      const { res, probe } = await send(attack.setup, token, attack.options);
      expectTokenRefused(res, probe, attack.reason, attack.claim);
      // The answer names no expected value, no secret, and echoes no part of the token.
      const rendered = JSON.stringify(res.headers) + res.text;
      for (const hidden of [ISSUER, AUDIENCE, SECRET, ...token.split('.').filter((part) => part.length > 8)]) expect(rendered).not.toContain(hidden);
    });

    it('never contacted the attacker\'s key server named in jku or x5u', () => {
      expect(attackerRequests).toEqual([]);
    });
  });
});
