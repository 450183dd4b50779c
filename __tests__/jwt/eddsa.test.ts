import { generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import type { Algorithm } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import type { InvalidTokenReason } from '../../lib';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith } from '../helpers/remote-apps';
import { claims, keys, NOW, NOW_MS, pem, rawToken, SECRET, signToken } from '../helpers/tokens';

// EdDSA (RFC 8037) is verified and signed through node:crypto, not jsonwebtoken; these tests
// check it against jose both ways, and that its claims go through the same path as the rest.

const ed25519 = generateKeyPairSync('ed25519');
const otherEd25519 = generateKeyPairSync('ed25519');
const ed448 = generateKeyPairSync('ed448');

const edBackend = (options: Parameters<typeof jwtBackend>[0] = {}) =>
  jwtBackend({ secretKey: pem(ed25519.publicKey), algorithm: 'EdDSA', signingKey: ed25519.privateKey, ...options });

function joseSign(alg: string, key: KeyObject | Uint8Array, payload: Record<string, unknown> = claims()): Promise<string> {
  return new jose.SignJWT(payload as jose.JWTPayload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

/** Signs header and payload JSON with Ed25519 by hand (RFC 8037 §3.1). */
function edToken(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject = ed25519.privateKey): string {
  const input = rawToken({ alg: 'EdDSA', typ: 'JWT', ...header }, payload).split('.').slice(0, 2).join('.');
  return `${input}.${cryptoSign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with EdDSA on %s', (_name, expressFactory) => {
  it('accepts an EdDSA token made by jose', async () => {
    const target = buildApp({ backend: edBackend(), expressFactory });
    const res = await probeWith(target, await joseSign('EdDSA', ed25519.privateKey));
    expect(res.status).toBe(200);
    expect(res.body.payload).toEqual(claims());
    expect(target.probe.handlerRan).toBe(true);
  });

  it('accepts the tokens it issues', async () => {
    const backend = edBackend();
    const target = buildApp({ backend, expressFactory });
    const res = await probeWith(target, backend.createToken({ sub: 'user-1', username: 'alice' }));
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
  });
});

describe('JWTAuthenticationBackend.createToken with EdDSA', () => {
  it('puts alg EdDSA and the RFC 7638 thumbprint of the key as kid in the header', async () => {
    const token = edBackend().createToken('alice');
    const thumbprint = await jose.calculateJwkThumbprint(await jose.exportJWK(ed25519.publicKey));
    expect(jose.decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: thumbprint });
  });

  it('issues tokens jose verifies with the public key', async () => {
    const token = edBackend({ issuer: 'https://auth.example', audience: 'api' }).createToken({ sub: 'alice', scope: 'read' }, { expiresIn: 60 });
    const { payload, protectedHeader } = await jose.jwtVerify(token, ed25519.publicKey, {
      algorithms: ['EdDSA'],
      issuer: 'https://auth.example',
      audience: 'api',
      currentDate: new Date(NOW_MS),
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload).toMatchObject({ sub: 'alice', scope: 'read', iss: 'https://auth.example', aud: 'api', iat: NOW, exp: NOW + 60 });
  });

  it('issues tokens jose refuses with another Ed25519 key', async () => {
    const token = edBackend().createToken('alice');
    await expect(jose.jwtVerify(token, otherEd25519.publicKey, { currentDate: new Date(NOW_MS) })).rejects.toThrow(jose.errors.JWSSignatureVerificationFailed);
  });

  it('signs with a PEM private key as well as with a KeyObject', async () => {
    const backend = edBackend({ signingKey: ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    await expect(jose.jwtVerify(backend.createToken('alice'), ed25519.publicKey, { currentDate: new Date(NOW_MS) })).resolves.toBeDefined();
  });
});

describe('JWTAuthenticationBackend with an Ed448 key', () => {
  it('accepts an EdDSA token made by jose with Ed448', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: ed448.publicKey, algorithm: 'EdDSA' }) });
    expect((await probeWith(target, await joseSign('EdDSA', ed448.privateKey))).status).toBe(200);
  });

  it('refuses an Ed25519 signature with bad_signature', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: ed448.publicKey, algorithm: 'EdDSA' }) });
    expectInvalidToken(await probeWith(target, edToken({}, claims())), target.probe, 'bad_signature');
  });
});

describe('JWTAuthenticationBackend refusing EdDSA tokens', () => {
  const valid = (): string => edToken({}, claims());
  const [header, payload, signature] = ((): string[] => valid().split('.'))();

  it.each([
    ['a payload changed after signing', () => `${header}.${rawToken({}, claims({ sub: 'admin' })).split('.')[1]}.${signature}`],
    ['a signature with its first character changed', () => `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`],
    ['a truncated signature', () => `${header}.${payload}.${signature.slice(0, 40)}`],
    ['a signature by another Ed25519 key', () => edToken({}, claims(), otherEd25519.privateKey)],
  ])('responds 401 bad_signature for %s', async (_what, token) => {
    const target = buildApp({ backend: edBackend() });
    expectInvalidToken(await probeWith(target, token()), target.probe, 'bad_signature');
  });

  it.each([
    ['RS256', () => jwtBackend({ secretKey: keys.rsa.publicKey, algorithm: 'RS256' }), () => signToken(claims(), { key: keys.rsa.privateKey, algorithm: 'RS256' })],
    ['EdDSA', () => edBackend(), () => valid()],
  ])('responds 401 malformed for a %s token without signature, the same for both', async (_alg, backend, token) => {
    const target = buildApp({ backend: backend() });
    const unsigned = `${token().split('.').slice(0, 2).join('.')}.`;
    expectInvalidToken(await probeWith(target, unsigned), target.probe, 'malformed');
  });

  it('responds 401 algorithm_not_allowed for an EdDSA token at an RS256 backend', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: keys.rsa.publicKey, algorithm: 'RS256' }) });
    expectInvalidToken(await probeWith(target, valid()), target.probe, 'algorithm_not_allowed');
  });

  it('responds 401 algorithm_not_allowed for an RS256 token at an EdDSA backend', async () => {
    const target = buildApp({ backend: edBackend() });
    expectInvalidToken(await probeWith(target, signToken(claims(), { key: keys.rsa.privateKey, algorithm: 'RS256' })), target.probe, 'algorithm_not_allowed');
  });
});

describe('JWTAuthenticationBackend claims checks are the same for every algorithm', () => {
  const SIGNERS: ReadonlyArray<readonly [Algorithm, () => Parameters<typeof jwtBackend>[0], (payload: Record<string, unknown>) => Promise<string>]> = [
    ['HS256', () => ({ secretKey: SECRET }), (p) => joseSign('HS256', Buffer.from(SECRET), p)],
    ['RS256', () => ({ secretKey: keys.rsa.publicKey, algorithm: 'RS256' }), (p) => joseSign('RS256', keys.rsa.privateKey, p)],
    ['ES256', () => ({ secretKey: keys.ec256.publicKey, algorithm: 'ES256' }), (p) => joseSign('ES256', keys.ec256.privateKey, p)],
    ['EdDSA', () => ({ secretKey: ed25519.publicKey, algorithm: 'EdDSA' }), (p) => joseSign('EdDSA', ed25519.privateKey, p)],
  ];
  const CASES: ReadonlyArray<readonly [string, Record<string, unknown>, InvalidTokenReason, string]> = [
    ['an expired token', { exp: NOW - 1 }, 'expired', 'exp'],
    ['a token used before nbf', { nbf: NOW + 60 }, 'not_yet_valid', 'nbf'],
    ['a token issued in the future', { iat: NOW + 60 }, 'not_yet_valid', 'iat'],
    ['a token without exp', { exp: undefined }, 'missing_claim', 'exp'],
    ['a token for another audience', { aud: 'other-api' }, 'claim_mismatch', 'aud'],
    ['a token of another issuer', { iss: 'https://evil.example' }, 'claim_mismatch', 'iss'],
    ['a token whose exp is a string', { exp: String(NOW + 60) }, 'malformed', 'exp'],
  ];

  describe.each(SIGNERS)('with %s', (_alg, options, sign) => {
    it.each(CASES)('refuses %s with the same reason and claim', async (_what, overrides, reason, claim) => {
      const backend = jwtBackend({ ...options(), audience: 'api', issuer: 'https://auth.example' });
      const target = buildApp({ backend });
      const payload = JSON.parse(JSON.stringify(claims({ aud: 'api', iss: 'https://auth.example', ...overrides }))) as Record<string, unknown>;
      expectInvalidToken(await probeWith(target, await sign(payload)), target.probe, reason, claim);
    });
  });
});

describe('JWTAuthenticationBackend EdDSA key checks', () => {
  it.each([
    ['an Ed25519 key for ES256', { secretKey: ed25519.publicKey, algorithm: 'ES256' }, /ES256 needs an EC key/],
    ['an Ed25519 key for RS256', { secretKey: ed25519.publicKey, algorithm: 'RS256' }, /RS256 needs an RSA key/],
    ['an RSA key for EdDSA', { secretKey: keys.rsa.publicKey, algorithm: 'EdDSA' }, /EdDSA needs an Ed25519 or Ed448 key/],
    ['an X25519 key for EdDSA', { secretKey: generateKeyPairSync('x25519').publicKey, algorithm: 'EdDSA' }, /EdDSA needs/],
    ['an Ed25519 signingKey for another Ed25519 key', { secretKey: ed25519.publicKey, algorithm: 'EdDSA', signingKey: otherEd25519.privateKey }, /private half/],
  ] as const)('throws a TypeError at construction for %s', (_what, options, expected) => {
    expect(() => jwtBackend(options)).toThrow(expected);
  });

  it('verifies with the public half of a private key given as secretKey', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: ed25519.privateKey, algorithm: 'EdDSA' }) });
    expect((await probeWith(target, edToken({}, claims()))).status).toBe(200);
  });

  it('issues tokens jsonwebtoken cannot verify, since it lacks EdDSA (why the library signs EdDSA itself)', () => {
    const token = edBackend().createToken('alice');
    expect(() => jsonwebtoken.verify(token, ed25519.publicKey)).toThrow();
  });
});
