import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import express from 'express';
import * as jose from 'jose';
import request from 'supertest';
import { authenticationMiddleware, jwksHandler, type JWTAuthenticationBackend } from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { joseKey, joseToken } from '../helpers/jose-keys';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { type RemoteApp, remoteApp } from '../helpers/remote-apps';
import { NOW_MS, SECRET } from '../helpers/tokens';

// A backend publishes its public keys at /.well-known/jwks.json; another service verifies its
// tokens by fetching that document over HTTP.

const JWKS_ROUTE = '/.well-known/jwks.json';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
const pairs = {
  old: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  current: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ed: generateKeyPairSync('ed25519'),
};
const privatePem = (pair: { privateKey: { export(options: { type: 'pkcs8'; format: 'pem' }): string | Buffer } }): string =>
  pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** An RSA backend in mid-rotation, configured with private keys to prove none leaks. */
const rotating = (): JWTAuthenticationBackend =>
  jwtBackend({ secretKey: { '2024-01': privatePem(pairs.old), '2024-06': pairs.current.privateKey }, algorithm: 'RS256', signingKey: pairs.current.privateKey });

function publishingApp(backend: JWTAuthenticationBackend, factory: typeof express = express, options?: Parameters<typeof jwksHandler>[1]) {
  const app = factory();
  app.get(JWKS_ROUTE, jwksHandler(backend, options));
  return app;
}

const keysOf = (res: request.Response): JsonWebKey[] => (JSON.parse(res.text) as { keys: JsonWebKey[] }).keys;

describe.each(EXPRESS_VERSIONS)('jwksHandler on %s', (_name, factory) => {
  it('serves application/jwk-set+json with Cache-Control public, max-age=300 and an ETag', async () => {
    const res = await request(publishingApp(rotating(), factory)).get(JWKS_ROUTE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json(; charset=utf-8)?$/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.etag).toEqual(expect.any(String));
  });

  it('answers a conditional request with the same ETag 304 and no body', async () => {
    const app = publishingApp(rotating(), factory);
    const first = await request(app).get(JWKS_ROUTE);
    const second = await request(app).get(JWKS_ROUTE).set('If-None-Match', first.headers.etag);
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  it('answers a conditional request with another ETag 200 and the document', async () => {
    const res = await request(publishingApp(rotating(), factory)).get(JWKS_ROUTE).set('If-None-Match', 'W/"stale"');
    expect(res.status).toBe(200);
    expect(keysOf(res)).toHaveLength(2);
  });
});

describe('jwksHandler', () => {
  it('sets max-age from maxAgeSec', async () => {
    const res = await request(publishingApp(rotating(), express, { maxAgeSec: 60 })).get(JWKS_ROUTE);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it.each([['-1', -1], ['1.5', 1.5], ['a string', '300'], ['NaN', Number.NaN]])('throws a TypeError for maxAgeSec %s', (_what, maxAgeSec) => {
    expect(() => jwksHandler(rotating(), { maxAgeSec: maxAgeSec as number })).toThrow(/maxAgeSec/);
  });

  it('publishes both the old and the new public key during a rotation, each with kid, use and alg', async () => {
    const keys = keysOf(await request(publishingApp(rotating())).get(JWKS_ROUTE));
    expect(keys).toEqual([
      { ...pairs.old.publicKey.export({ format: 'jwk' }), kid: '2024-01', use: 'sig', alg: 'RS256' },
      { ...pairs.current.publicKey.export({ format: 'jwk' }), kid: '2024-06', use: 'sig', alg: 'RS256' },
    ]);
  });

  it('publishes no private member, though the backend was given private keys', async () => {
    const text = (await request(publishingApp(rotating())).get(JWKS_ROUTE)).text;
    for (const key of JSON.parse(text).keys as Record<string, unknown>[]) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    expect(text).not.toContain(pairs.current.privateKey.export({ format: 'jwk' }).d);
  });

  it('publishes no private member of an inline JWKS given with private JWKs', async () => {
    const secretKey = { keys: [{ ...pairs.old.privateKey.export({ format: 'jwk' }), kid: 'k1' }] };
    const [key] = keysOf(await request(publishingApp(jwtBackend({ secretKey, algorithm: 'RS256' }))).get(JWKS_ROUTE));
    expect(key).toEqual({ ...pairs.old.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' });
  });

  it.each([
    ['an ES256 key', () => jwtBackend({ secretKey: pairs.ec.privateKey, algorithm: 'ES256' }), pairs.ec.publicKey, 'ES256'],
    ['an Ed25519 key', () => jwtBackend({ secretKey: pairs.ed.privateKey, algorithm: 'EdDSA' }), pairs.ed.publicKey, 'EdDSA'],
    ['a single RSA key', () => jwtBackend({ secretKey: pairs.old.publicKey, algorithm: 'RS256' }), pairs.old.publicKey, 'RS256'],
  ] as const)('publishes %s under its RFC 7638 thumbprint as kid', async (_what, backend, publicKey, alg) => {
    const [key] = keysOf(await request(publishingApp(backend())).get(JWKS_ROUTE));
    const thumbprint = await jose.calculateJwkThumbprint(await jose.exportJWK(publicKey));
    expect(key).toEqual({ ...publicKey.export({ format: 'jwk' }), kid: thumbprint, use: 'sig', alg });
  });

  it('leaves alg out of a key that serves several algorithms', async () => {
    const [key] = keysOf(await request(publishingApp(jwtBackend({ secretKey: pairs.old.publicKey, algorithms: ['RS256', 'PS256'] }))).get(JWKS_ROUTE));
    expect(key).not.toHaveProperty('alg');
    expect(key).toMatchObject({ use: 'sig', kid: expect.any(String) });
  });

  it('publishes a set jose imports and verifies the backend tokens with', async () => {
    const backend = rotating();
    const keySet = jose.createLocalJWKSet(JSON.parse((await request(publishingApp(backend)).get(JWKS_ROUTE)).text) as jose.JSONWebKeySet);
    const { payload } = await jose.jwtVerify(backend.createToken('alice'), keySet, { currentDate: new Date(NOW_MS) });
    expect(payload.sub).toBe('alice');
  });

  it('is reachable without a token behind authenticationMiddleware', async () => {
    const backend = rotating();
    const app = express();
    app.use(authenticationMiddleware(backend));
    app.get(JWKS_ROUTE, jwksHandler(backend));
    expect((await request(app).get(JWKS_ROUTE)).status).toBe(200);
  });

  it.each([
    ['an HMAC backend', () => jwtBackend({ secretKey: SECRET })],
    ['an HMAC kid map', () => jwtBackend({ secretKey: { k1: SECRET }, signingKeyId: 'k1' })],
    ['a backend with a remote key set', () => jwtBackend({ secretKey: undefined, jwksUri: 'https://idp.example.com/jwks.json' })],
  ])('throws a TypeError at construction for %s', (_what, backend) => {
    expect(() => jwksHandler(backend())).toThrow(TypeError);
  });
});

describe('A second service verifying tokens of the first over HTTP', () => {
  const secretKey = { '2023-12': pairs.old.publicKey, '2024-06': pairs.current.publicKey, 'ed-2024': pairs.ed.publicKey };
  const issuer = (signingKey: typeof pairs.current.privateKey): JWTAuthenticationBackend =>
    jwtBackend({ secretKey, algorithms: ['RS256', 'EdDSA'], signingKey, audience: 'orders' });
  const rsaIssuer = issuer(pairs.current.privateKey);
  const retiredIssuer = issuer(pairs.old.privateKey);
  const edIssuer = issuer(pairs.ed.privateKey);
  let first: LocalServer;
  let second: LocalServer;
  let verifier: RemoteApp;
  let fetches = 0;

  beforeAll(async () => {
    const app = express();
    app.use((_req, _res, next) => {
      fetches++;
      next();
    });
    app.get(JWKS_ROUTE, jwksHandler(rsaIssuer));
    first = await listenLocally(app);
    verifier = remoteApp({ jwksUri: `${first.origin}${JWKS_ROUTE}`, algorithms: ['RS256', 'EdDSA'], audience: 'orders' });
    second = await listenLocally(verifier.app);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  function call(token: string): request.Test {
    verifier.probe.handlerRan = false;
    return request(second.origin).get('/probe').set('Authorization', `Bearer ${token}`);
  }

  it.each([
    ['an RS256 token', () => rsaIssuer.createToken({ sub: 'alice', username: 'alice' }), 'RS256', '2024-06'],
    ['an EdDSA token', () => edIssuer.createToken({ sub: 'alice', username: 'alice' }), 'EdDSA', 'ed-2024'],
    ['an RS256 token of the key being retired', () => retiredIssuer.createToken({ sub: 'alice', username: 'alice' }), 'RS256', '2023-12'],
  ])('accepts %s issued by the first service with createToken', async (_what, token, alg, kid) => {
    const issued = token();
    expect(jose.decodeProtectedHeader(issued)).toMatchObject({ alg, kid });
    const res = await call(issued);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'alice' });
    expect(verifier.probe.handlerRan).toBe(true);
  });

  it('fetches the key set of the first service once for tokens of all its keys', async () => {
    for (const backend of [rsaIssuer, edIssuer, retiredIssuer, rsaIssuer]) expect((await call(backend.createToken('bob'))).status).toBe(200);
    expect(fetches).toBe(1);
  });

  it('refuses a token of a key the first service does not publish with unknown_key', async () => {
    const rogue = await joseKey('RS256', 'rogue');
    expectInvalidToken(await call(await joseToken(rogue, { payload: { sub: 'alice', aud: 'orders', exp: NOW_MS / 1000 + 60 } })), verifier.probe, 'unknown_key');
  });

  it('refuses a token under a published kid but signed by another key with bad_signature', async () => {
    const impostor = await joseKey('RS256', '2024-06');
    expectInvalidToken(await call(await joseToken(impostor, { payload: { sub: 'alice', aud: 'orders', exp: NOW_MS / 1000 + 60 } })), verifier.probe, 'bad_signature');
  });

  it('refuses an HMAC token with algorithm_not_allowed', async () => {
    expectInvalidToken(await call(jwtBackend({ audience: 'orders' }).createToken('alice')), verifier.probe, 'algorithm_not_allowed');
  });
});
