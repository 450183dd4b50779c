import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import type * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import request from 'supertest';
import type { JsonWebKeySet, JWTAuthenticationBackend } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { joseToken, type JoseKey } from '../helpers/jose-keys';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith } from '../helpers/remote-apps';
import { claims, NOW, pem, SECRET, signToken } from '../helpers/tokens';

// Keys given inline: a JWKS (public keys chosen by kid) or a kid map (self-managed rotation).
// Nothing is fetched, so every answer is synchronous.

const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO';
const pairs = {
  old: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  current: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ed: generateKeyPairSync('ed25519'),
};

function jwk(publicKey: KeyObject, kid: string | undefined, extra: Record<string, unknown> = {}): JsonWebKey {
  return { ...publicKey.export({ format: 'jwk' }), ...(kid === undefined ? {} : { kid }), ...extra };
}

function rsaToken(privateKey: KeyObject, kid: string | undefined, payload = claims()): string {
  return signToken(payload, { key: privateKey, algorithm: 'RS256', header: kid === undefined ? {} : { kid } });
}

/** A jose signer over a node:crypto pair, for the EC and Ed25519 tokens. */
function signer(pair: { privateKey: KeyObject; publicKey: KeyObject }, alg: 'ES256' | 'EdDSA', kid: string): JoseKey {
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk: pair.publicKey.export({ format: 'jwk' }) as jose.JWK };
}

const INLINE: JsonWebKeySet = {
  keys: [jwk(pairs.old.publicKey, 'rsa-old'), jwk(pairs.current.publicKey, 'rsa-current'), jwk(pairs.ec.publicKey, 'ec-1'), jwk(pairs.ed.publicKey, 'ed-1')],
};
/** The RSA keys of {@link INLINE} only: an inline JWKS must hold no key the allowed algorithms cannot use. */
const INLINE_RSA: JsonWebKeySet = { keys: INLINE.keys.slice(0, 2) };

function app(backend: JWTAuthenticationBackend, expressFactory?: typeof express) {
  return buildApp({ backend, expressFactory });
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with an inline JWKS on %s', (_name, expressFactory) => {
  const backend = (): JWTAuthenticationBackend => jwtBackend({ secretKey: INLINE, algorithms: ['RS256', 'ES256', 'EdDSA'] });

  it.each([
    ['an RS256 token of the old key', () => rsaToken(pairs.old.privateKey, 'rsa-old')],
    ['an RS256 token of the current key', () => rsaToken(pairs.current.privateKey, 'rsa-current')],
    ['an ES256 token made by jose', () => joseToken(signer(pairs.ec, 'ES256', 'ec-1'))],
    ['an EdDSA token made by jose', () => joseToken(signer(pairs.ed, 'EdDSA', 'ed-1'))],
  ])('accepts %s, choosing the key by kid', async (_what, token) => {
    const target = app(backend(), expressFactory);
    const res = await probeWith(target, await token());
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
  });

  it('refuses a token with a kid not in the set with unknown_key', async () => {
    const target = app(backend(), expressFactory);
    expectInvalidToken(await probeWith(target, rsaToken(pairs.current.privateKey, 'rsa-2023')), target.probe, 'unknown_key');
  });

  it('refuses a token signed by another key than its kid names with bad_signature', async () => {
    const target = app(backend(), expressFactory);
    expectInvalidToken(await probeWith(target, rsaToken(pairs.current.privateKey, 'rsa-old')), target.probe, 'bad_signature');
  });
});

describe('JWTAuthenticationBackend with an inline JWKS', () => {
  it('answers synchronously: nothing is fetched', () => {
    const backend = jwtBackend({ secretKey: INLINE_RSA, algorithms: ['RS256'] });
    const authorization = `Bearer ${rsaToken(pairs.old.privateKey, 'rsa-old')}`;
    const req = { headers: { authorization }, rawHeaders: ['Authorization', authorization] } as IncomingMessage;
    const result = backend.authenticate(req);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ user: { identity: 'user-1' } });
  });

  it('accepts a token without kid when exactly one key fits its algorithm', async () => {
    const target = app(jwtBackend({ secretKey: { keys: [INLINE.keys[1], INLINE.keys[2]] }, algorithms: ['RS256', 'ES256'] }));
    expect((await probeWith(target, rsaToken(pairs.current.privateKey, undefined))).status).toBe(200);
  });

  it('refuses a token without kid with unknown_key when two keys fit its algorithm', async () => {
    const target = app(jwtBackend({ secretKey: INLINE, algorithms: ['RS256', 'ES256', 'EdDSA'] }));
    expectInvalidToken(await probeWith(target, rsaToken(pairs.current.privateKey, undefined)), target.probe, 'unknown_key');
  });

  it('ignores a use "enc" key: a token naming it gets unknown_key', async () => {
    const secretKey = { keys: [jwk(pairs.old.publicKey, 'enc-1', { use: 'enc' }), INLINE.keys[1]] };
    const target = app(jwtBackend({ secretKey, algorithm: 'RS256' }));
    expectInvalidToken(await probeWith(target, rsaToken(pairs.old.privateKey, 'enc-1')), target.probe, 'unknown_key');
  });

  it('uses a key marked alg RS512 only for RS512 tokens', async () => {
    const secretKey = { keys: [jwk(pairs.old.publicKey, 'rs512', { alg: 'RS512' }), INLINE.keys[1]] };
    const target = app(jwtBackend({ secretKey, algorithms: ['RS256', 'RS512'] }));
    expectInvalidToken(await probeWith(target, rsaToken(pairs.old.privateKey, 'rs512')), target.probe, 'unknown_key');
    const rs512 = signToken(claims(), { key: pairs.old.privateKey, algorithm: 'RS512', header: { kid: 'rs512' } });
    expect((await probeWith(target, rs512)).status).toBe(200);
  });

  describe('when the JWKS is wrong', () => {
    it.each([
      ['a key without kid', { keys: [jwk(pairs.old.publicKey, undefined)] }, /needs a "kid"/],
      ['a key with an empty kid', { keys: [jwk(pairs.old.publicKey, '')] }, /needs a "kid"/],
      ['two keys with the same kid', { keys: [jwk(pairs.old.publicKey, 'k'), jwk(pairs.current.publicKey, 'k')] }, /appears twice/],
      ['an "oct" key', { keys: [{ kty: 'oct', kid: 'h', k: Buffer.from(SECRET).toString('base64url') }] }, TypeError],
      ['an RSA key without modulus', { keys: [{ kty: 'RSA', kid: 'bad', e: 'AQAB' }] }, /not a valid public JWK/],
      ['a key of an unknown type', { keys: [{ kty: 'XYZ', kid: 'bad' }] }, /not a valid public JWK/],
      ['only encryption keys', { keys: [jwk(pairs.old.publicKey, 'enc', { use: 'enc' })] }, /no signing key/],
      ['no keys', { keys: [] }, /no signing key/],
      ['a key whose alg is not allowed', { keys: [jwk(pairs.old.publicKey, 'k', { alg: 'RS512' })] }, /fits none/],
      ['a key of a type no algorithm fits', { keys: [jwk(pairs.ec.publicKey, 'k')] }, /fits none/],
    ])('throws a TypeError at construction for %s', (_what, secretKey, expected) => {
      expect(() => jwtBackend({ secretKey: secretKey as JsonWebKeySet, algorithm: 'RS256' })).toThrow(expected);
    });

    it('throws a TypeError for a JWKS at an HMAC backend, even of "oct" keys: secrets are never in a JWKS', () => {
      const secretKey = { keys: [{ kty: 'oct', kid: 'h', k: Buffer.from(SECRET).toString('base64url') }] };
      expect(() => jwtBackend({ secretKey })).toThrow(/HMAC/);
    });
  });
});

describe('JWTAuthenticationBackend with a kid map of public keys', () => {
  const keyMap = { '2024-01': pem(pairs.old.publicKey), '2024-06': pem(pairs.current.publicKey) };

  it('accepts tokens of the old and the new key during the grace period', async () => {
    const target = app(jwtBackend({ secretKey: keyMap, algorithm: 'RS256' }));
    expect((await probeWith(target, rsaToken(pairs.old.privateKey, '2024-01'))).status).toBe(200);
    expect((await probeWith(target, rsaToken(pairs.current.privateKey, '2024-06'))).status).toBe(200);
  });

  it('refuses a token of a kid no longer in the map with unknown_key', async () => {
    const target = app(jwtBackend({ secretKey: { '2024-06': pem(pairs.current.publicKey) }, algorithm: 'RS256' }));
    expectInvalidToken(await probeWith(target, rsaToken(pairs.old.privateKey, '2024-01')), target.probe, 'unknown_key');
  });

  it('signs with signingKey, puts its kid in the header, and accepts both its tokens and the old ones', async () => {
    const backend = jwtBackend({ secretKey: keyMap, algorithm: 'RS256', signingKey: pairs.current.privateKey });
    const token = backend.createToken('alice');
    expect(jsonwebtoken.decode(token, { complete: true })?.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: '2024-06' });
    const target = app(backend);
    expect((await probeWith(target, token)).status).toBe(200);
    expect((await probeWith(target, rsaToken(pairs.old.privateKey, '2024-01'))).status).toBe(200);
  });

  it('puts signingKeyId in the header instead when given', () => {
    const backend = jwtBackend({ secretKey: keyMap, algorithm: 'RS256', signingKey: pairs.current.privateKey, signingKeyId: 'current' });
    expect(jsonwebtoken.decode(backend.createToken('alice'), { complete: true })?.header.kid).toBe('current');
  });

  it('accepts keys of several types under several algorithms', async () => {
    const target = app(jwtBackend({ secretKey: { rsa: pairs.current.publicKey, ed: pairs.ed.publicKey }, algorithms: ['RS256', 'EdDSA'] }));
    expect((await probeWith(target, rsaToken(pairs.current.privateKey, 'rsa'))).status).toBe(200);
    expect((await probeWith(target, await joseToken(signer(pairs.ed, 'EdDSA', 'ed')))).status).toBe(200);
  });

  it.each([
    ['a signingKey whose public half is not in the map', { signingKey: pairs.ed.privateKey }, /private half/],
    ['a key that fits no allowed algorithm', { secretKey: { ...keyMap, ec: pem(pairs.ec.publicKey) } }, /"ec" fits none/],
    ['a value that is not a key', { secretKey: { '2024-01': 42 } }, TypeError],
    ['an empty map', { secretKey: {} }, /no signing key/],
    ['signingKeyId without signingKey', { signingKeyId: '2024-06' }, /needs "signingKey"/],
  ])('throws a TypeError at construction for %s', (_what, options, expected) => {
    expect(() => jwtBackend({ secretKey: keyMap, algorithm: 'RS256', ...(options as object) })).toThrow(expected);
  });
});

describe('JWTAuthenticationBackend with a kid map of HMAC secrets', () => {
  const secrets = { k1: SECRET, k2: OTHER_SECRET };
  const hmac = (secret: string, kid?: string): string => signToken(claims(), { key: secret, header: kid === undefined ? {} : { kid } });

  it('signs with the secret signingKeyId names and puts that kid in the header', () => {
    const token = jwtBackend({ secretKey: secrets, signingKeyId: 'k2' }).createToken('alice');
    const { header, payload } = jsonwebtoken.verify(token, OTHER_SECRET, { algorithms: ['HS256'], complete: true, clockTimestamp: NOW });
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k2' });
    expect(payload).toMatchObject({ sub: 'alice' });
  });

  it('accepts what it issues and tokens of every secret in the map', async () => {
    const backend = jwtBackend({ secretKey: secrets, signingKeyId: 'k2' });
    const target = app(backend);
    expect((await probeWith(target, backend.createToken('alice'))).status).toBe(200);
    expect((await probeWith(target, hmac(SECRET, 'k1'))).status).toBe(200);
  });

  it('refuses a token whose kid names another secret than the one that signed it with bad_signature', async () => {
    const target = app(jwtBackend({ secretKey: secrets }));
    expectInvalidToken(await probeWith(target, hmac(OTHER_SECRET, 'k1')), target.probe, 'bad_signature');
  });

  it('refuses a token without kid with unknown_key, rather than try each secret', async () => {
    const target = app(jwtBackend({ secretKey: secrets }));
    expectInvalidToken(await probeWith(target, hmac(SECRET)), target.probe, 'unknown_key');
  });

  it('verifies but cannot sign without signingKeyId (createToken throws a TypeError)', async () => {
    const backend = jwtBackend({ secretKey: secrets });
    expect(() => backend.createToken('alice')).toThrow(/signingKeyId/);
    expect((await request(app(backend).app).get('/probe').set('Authorization', `Bearer ${hmac(SECRET, 'k1')}`)).status).toBe(200);
  });

  it('puts signingKeyId in the header of a single secret', () => {
    const token = jwtBackend({ signingKeyId: 'main' }).createToken('alice');
    expect(jsonwebtoken.decode(token, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'main' });
  });

  it.each([
    ['a signingKeyId naming no secret', { secretKey: secrets, signingKeyId: 'k3' }, /names no key/],
    ['an empty signingKeyId', { secretKey: secrets, signingKeyId: '' }, /non-empty string/],
    ['a signingKey', { secretKey: secrets, signingKey: pairs.old.privateKey }, /HMAC backends sign with "secretKey"/],
    ['a PEM among the secrets', { secretKey: { k1: SECRET, k2: pem(pairs.old.publicKey) } }, /looks like a PEM/],
    ['a base64 DER public key among the secrets', { secretKey: { k1: SECRET, k2: pairs.old.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') } }, /looks like a public key \(DER SubjectPublicKeyInfo in base64\)/],
    ['a JWK text among the secrets', { secretKey: { k1: SECRET, k2: JSON.stringify(pairs.ed.publicKey.export({ format: 'jwk' })) } }, /looks like a public key \(JWK text\)/],
    ['a DER public key Buffer among the secrets', { secretKey: { k1: SECRET, k2: pairs.ec.publicKey.export({ type: 'spki', format: 'der' }) } }, /looks like a public key \(DER SubjectPublicKeyInfo\)/],
    ['an empty secret', { secretKey: { k1: SECRET, k2: '' } }, /must not be empty/],
  ])('throws a TypeError at construction for %s', (_what, options, expected) => {
    expect(() => jwtBackend(options)).toThrow(expected);
  });
});
