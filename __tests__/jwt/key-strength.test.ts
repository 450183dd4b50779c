import { generateKeyPairSync, randomBytes } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Algorithm, JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, jwtBackend } from '../helpers/apps';
import { probeWith } from '../helpers/remote-apps';
import { claims, NOW, pem, signToken } from '../helpers/tokens';

// RFC 7518 §3.2 (an HMAC secret at least as long as the hash output) and §3.3 (RSA keys of
// 2048 bits or more), enforced at construction unless allowWeakKeys says this is a legacy system.

const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pss256 = generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });

const weakToken = (): string => signToken(claims(), { key: weakRsa.privateKey, algorithm: 'RS256' });

describe('JWTAuthenticationBackend with an RSA key under 2048 bits', () => {
  it('throws a TypeError at construction naming 2048 and allowWeakKeys', () => {
    expect(() => jwtBackend({ secretKey: pem(weakRsa.publicKey), algorithm: 'RS256' })).toThrow(TypeError);
    expect(() => jwtBackend({ secretKey: pem(weakRsa.publicKey), algorithm: 'RS256' })).toThrow(/2048.*allowWeakKeys/);
  });

  it.each(['RS256', 'RS512', 'PS256'] as const)('refuses it for %s', (algorithm) => {
    expect(() => jwtBackend({ secretKey: weakRsa.publicKey, algorithm })).toThrow(/2048/);
  });

  it('refuses it in a kid map', () => {
    expect(() => jwtBackend({ secretKey: { old: weakRsa.publicKey }, algorithm: 'RS256' })).toThrow(/2048/);
  });

  it('refuses it in an inline JWKS', () => {
    const secretKey = { keys: [{ ...weakRsa.publicKey.export({ format: 'jwk' }), kid: 'weak' }] };
    expect(() => jwtBackend({ secretKey, algorithm: 'RS256' })).toThrow(/2048/);
  });

  it('accepts a token signed by it with allowWeakKeys: true', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: pem(weakRsa.publicKey), algorithm: 'RS256', allowWeakKeys: true }) });
    const res = await probeWith(target, weakToken());
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
  });

  it('signs with it with allowWeakKeys: true, and the token verifies', async () => {
    const backend = jwtBackend({ secretKey: weakRsa.publicKey, algorithm: 'RS256', signingKey: weakRsa.privateKey, allowWeakKeys: true });
    const token = backend.createToken('alice');
    expect(jsonwebtoken.verify(token, weakRsa.publicKey, { algorithms: ['RS256'], clockTimestamp: NOW })).toMatchObject({ sub: 'alice' });
    expect((await probeWith(buildApp({ backend }), token)).status).toBe(200);
  });

  it('accepts a 2048-bit key without allowWeakKeys', () => {
    expect(() => jwtBackend({ secretKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, algorithm: 'RS256' })).not.toThrow();
  });
});

describe('JWTAuthenticationBackend with a short HMAC secret', () => {
  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('refuses %s with a secret of one byte less than %i, naming allowWeakKeys', (algorithm, bytes) => {
    expect(() => jwtBackend({ secretKey: 'x'.repeat(bytes - 1), algorithm })).toThrow(new RegExp(`at least ${bytes} bytes.*allowWeakKeys`));
  });

  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('accepts %s with a secret of exactly %i bytes, as a string or a Buffer', (algorithm, bytes) => {
    expect(() => jwtBackend({ secretKey: 'x'.repeat(bytes), algorithm })).not.toThrow();
    expect(() => jwtBackend({ secretKey: randomBytes(bytes), algorithm })).not.toThrow();
  });

  it('counts bytes, not characters: 16 two-byte characters are 32 bytes', () => {
    expect(() => jwtBackend({ secretKey: 'é'.repeat(16), algorithm: 'HS256' })).not.toThrow();
    expect(() => jwtBackend({ secretKey: 'é'.repeat(15), algorithm: 'HS256' })).toThrow(TypeError);
  });

  it('measures the secret against the longest allowed hash', () => {
    expect(() => jwtBackend({ secretKey: 'x'.repeat(32), algorithms: ['HS256', 'HS512'] })).toThrow(/at least 64 bytes/);
  });

  it('refuses a short secret in a kid map', () => {
    expect(() => jwtBackend({ secretKey: { k1: 'x'.repeat(64), k2: 'short' } })).toThrow(/"k2" fits none/);
  });

  it.each([
    ['HS256', 'short-secret'],
    ['HS384', 'x'.repeat(47)],
    ['HS512', 'x'.repeat(63)],
  ] as const)('accepts and issues %s tokens with a short secret and allowWeakKeys: true', async (algorithm, secret) => {
    const backend = jwtBackend({ secretKey: secret, algorithm, allowWeakKeys: true });
    const target = buildApp({ backend });
    expect((await probeWith(target, signToken(claims(), { key: secret, algorithm }))).status).toBe(200);
    expect((await probeWith(target, backend.createToken('alice'))).status).toBe(200);
  });
});

describe('JWTAuthenticationBackend allowWeakKeys option', () => {
  it.each([['the string "yes"', 'yes'], ['1', 1], ['null', null]])('throws a TypeError for %s', (_what, allowWeakKeys) => {
    const options = { secretKey: 'short', allowWeakKeys } as unknown as Partial<JWTAuthenticationBackendOptions>;
    expect(() => jwtBackend(options)).toThrow(/"allowWeakKeys" must be true or false/);
  });

  it('accepts false explicitly, with the same checks as by default', () => {
    expect(() => jwtBackend({ secretKey: 'short', allowWeakKeys: false })).toThrow(/at least 32 bytes/);
  });
});

describe('JWTAuthenticationBackend with an RSA-PSS key', () => {
  it('throws a TypeError when a key restricted to sha256 is used for PS384', () => {
    expect(() => jwtBackend({ secretKey: pss256.publicKey, algorithm: 'PS384' })).toThrow(/PS384 needs an RSA-PSS key restricted to sha384/);
  });

  it('throws a TypeError when such a key is listed for PS256 and PS512 together', () => {
    expect(() => jwtBackend({ secretKey: pss256.publicKey, algorithms: ['PS256', 'PS512'] })).toThrow(/PS512/);
  });

  it.each(['RS256', 'ES256'] as const)('throws a TypeError when an RSA-PSS key is used for %s', (algorithm: Algorithm) => {
    expect(() => jwtBackend({ secretKey: pss256.publicKey, algorithm })).toThrow(TypeError);
  });

  it('throws a TypeError for an unrestricted RSA-PSS key, whose parameters do not pin PS256', () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    expect(() => jwtBackend({ secretKey: pss.publicKey, algorithm: 'PS256' })).toThrow(/RSA-PSS key restricted to sha256/);
  });

  it('accepts a PS256 token signed by the key when it is in a kid map', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: { pss: pss256.publicKey }, algorithm: 'PS256' }) });
    const token = signToken(claims(), { key: pss256.privateKey, algorithm: 'PS256', header: { kid: 'pss' } });
    expect((await probeWith(target, token)).status).toBe(200);
  });

  it('signs PS256 with the key as signingKey in a kid map, and accepts what it issues', async () => {
    const backend = jwtBackend({ secretKey: { pss: pss256.publicKey }, algorithm: 'PS256', signingKey: pss256.privateKey });
    expect((await probeWith(buildApp({ backend }), backend.createToken('alice'))).status).toBe(200);
  });

  it('accepts a PS256 token signed by the key for PS256', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: pss256.publicKey, algorithm: 'PS256' }) });
    const token = signToken(claims(), { key: pss256.privateKey, algorithm: 'PS256' });
    expect((await probeWith(target, token)).status).toBe(200);
  });
});
