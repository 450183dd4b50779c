import { generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import * as jose from 'jose';
import { JWTAuthenticationBackend } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith } from '../helpers/remote-apps';
import { claims, keys, NOW_MS, pem, rawToken } from '../helpers/tokens';

// RFC 9864 §2.2 names `Ed25519` the fully specified algorithm of EdDSA over Ed25519 (and
// deprecates the polymorphic `EdDSA`). Tokens are built here with node:crypto by hand, and
// checked against jose, which knows the name too.

const ed25519 = generateKeyPairSync('ed25519');
const otherEd25519 = generateKeyPairSync('ed25519');
const ed448 = generateKeyPairSync('ed448');

/** Signs header and payload JSON with an Edwards-curve key by hand (RFC 8037 §3.1), `alg` Ed25519 unless told otherwise. */
function edToken(header: Record<string, unknown>, payload: Record<string, unknown> = claims(), privateKey: KeyObject = ed25519.privateKey): string {
  const input = rawToken({ alg: 'Ed25519', typ: 'JWT', ...header }, payload).split('.').slice(0, 2).join('.');
  return `${input}.${cryptoSign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

const ed25519Backend = (options: Parameters<typeof jwtBackend>[0] = {}): JWTAuthenticationBackend =>
  jwtBackend({ secretKey: pem(ed25519.publicKey), algorithm: 'Ed25519', signingKey: ed25519.privateKey, ...options });

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with algorithm Ed25519 on %s', (_name, expressFactory) => {
  it('accepts a token with alg Ed25519 signed by hand with node:crypto', async () => {
    const target = buildApp({ backend: ed25519Backend(), expressFactory });
    const res = await probeWith(target, edToken({}));
    expect(res.status).toBe(200);
    expect(res.body.payload).toEqual(claims());
    expect(target.probe.handlerRan).toBe(true);
  });

  it('accepts a token with alg Ed25519 made by jose', async () => {
    const token = await new jose.SignJWT(claims() as jose.JWTPayload).setProtectedHeader({ alg: 'Ed25519' }).sign(ed25519.privateKey);
    expect((await probeWith(buildApp({ backend: ed25519Backend(), expressFactory }), token)).status).toBe(200);
  });

  it('accepts the tokens it issues', async () => {
    const backend = ed25519Backend();
    const res = await probeWith(buildApp({ backend, expressFactory }), backend.createToken({ sub: 'user-1', username: 'alice' }));
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
  });

  it('responds 401 bad_signature to a token signed by another Ed25519 key', async () => {
    const target = buildApp({ backend: ed25519Backend(), expressFactory });
    expectInvalidToken(await probeWith(target, edToken({}, claims(), otherEd25519.privateKey)), target.probe, 'bad_signature');
  });

  it('responds 401 algorithm_not_allowed to an EdDSA token: the allow-list names are exact', async () => {
    const target = buildApp({ backend: ed25519Backend(), expressFactory });
    expectInvalidToken(await probeWith(target, edToken({ alg: 'EdDSA' })), target.probe, 'algorithm_not_allowed');
  });

  it('responds 401 algorithm_not_allowed to an Ed25519 token at an EdDSA backend', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: ed25519.publicKey, algorithm: 'EdDSA' }), expressFactory });
    expectInvalidToken(await probeWith(target, edToken({})), target.probe, 'algorithm_not_allowed');
  });

  it('accepts both names when both are allowed', async () => {
    const target = buildApp({ backend: jwtBackend({ secretKey: ed25519.publicKey, algorithms: ['EdDSA', 'Ed25519'] }), expressFactory });
    expect((await probeWith(target, edToken({}))).status).toBe(200);
    expect((await probeWith(target, edToken({ alg: 'EdDSA' }))).status).toBe(200);
  });
});

describe('Ed25519 and key types', () => {
  it('refuses an Ed448 key for Ed25519 at construction, saying what it needs', () => {
    expect(() => new JWTAuthenticationBackend({ secretKey: ed448.publicKey, algorithm: 'Ed25519' })).toThrow('Ed25519 needs an Ed25519 key, not ed448');
  });

  it.each([
    ['an RSA key', keys.rsa.publicKey],
    ['a P-256 key', keys.ec256.publicKey],
  ])('refuses %s for Ed25519 at construction', (_case, key) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: key, algorithm: 'Ed25519' })).toThrow(TypeError);
  });

  it('refuses an HMAC secret for Ed25519', () => {
    expect(() => new JWTAuthenticationBackend({ secretKey: keys.secret, algorithm: 'Ed25519' })).toThrow(TypeError);
  });

  it('refuses a single Ed448 key when Ed25519 is allowed beside EdDSA, as any key must fit every allowed algorithm', () => {
    expect(() => jwtBackend({ secretKey: ed448.publicKey, algorithms: ['EdDSA', 'Ed25519'] })).toThrow('Ed25519 needs an Ed25519 key, not ed448');
  });

  it('uses a JWK whose alg is Ed25519, and leaves out an Ed448 JWK that claims it', async () => {
    const jwk = { ...(await jose.exportJWK(ed25519.publicKey)), kid: 'ed', alg: 'Ed25519' };
    const wrong = { ...(await jose.exportJWK(ed448.publicKey)), kid: 'x448', alg: 'Ed25519' };
    const backend = jwtBackend({ secretKey: { keys: [jwk] }, algorithm: 'Ed25519' });
    expect((await probeWith(buildApp({ backend }), edToken({ kid: 'ed' }))).status).toBe(200);
    expect(() => jwtBackend({ secretKey: { keys: [jwk, wrong] }, algorithm: 'Ed25519' })).toThrow('key "x448" fits none of the allowed algorithms');
  });

  it('verifies Ed25519 tokens against a remote JWKS on 127.0.0.1', async () => {
    const server = await startJwksServer();
    try {
      server.state.document = { keys: [{ ...(await jose.exportJWK(ed25519.publicKey)), kid: 'remote', alg: 'Ed25519' }, { ...(await jose.exportJWK(ed448.publicKey)), kid: 'big' }] };
      const target = buildApp({ backend: jwtBackend({ secretKey: undefined, jwksUri: server.jwksUri, algorithm: 'Ed25519' }) });
      expect((await probeWith(target, edToken({ kid: 'remote' }))).status).toBe(200);
      expectInvalidToken(await probeWith(target, edToken({ kid: 'big' }, claims(), ed448.privateKey)), target.probe, 'unknown_key');
    } finally {
      await server.close();
    }
  });
});

describe('createToken and jwks() with Ed25519', () => {
  it('writes alg Ed25519, verified by jose and by node:crypto', async () => {
    const token = ed25519Backend().createToken('alice');
    const { protectedHeader } = await jose.jwtVerify(token, ed25519.publicKey, { algorithms: ['Ed25519'], currentDate: new Date(NOW_MS) });
    expect(protectedHeader.alg).toBe('Ed25519');
  });

  it('signs with the first allowed name', () => {
    const backend = (algorithms: ('EdDSA' | 'Ed25519')[]) => jwtBackend({ secretKey: ed25519.publicKey, algorithms, signingKey: ed25519.privateKey });
    expect(jose.decodeProtectedHeader(backend(['Ed25519', 'EdDSA']).createToken('a')).alg).toBe('Ed25519');
    expect(jose.decodeProtectedHeader(backend(['EdDSA', 'Ed25519']).createToken('a')).alg).toBe('EdDSA');
  });

  it('publishes alg Ed25519 for a backend that allows only Ed25519', () => {
    expect(ed25519Backend().jwks().keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', use: 'sig' })]);
  });

  it('publishes no alg when both names are allowed, so verifiers may use either', () => {
    const [jwk] = jwtBackend({ secretKey: ed25519.publicKey, algorithms: ['EdDSA', 'Ed25519'] }).jwks().keys;
    expect(jwk).not.toHaveProperty('alg');
  });
});
