import request from 'supertest';
import {
  authenticated,
  CHANNELS,
  claimEquals,
  type ConfigurationFaultMessage,
  type GuardRefusalMessage,
  JWTAuthenticationBackend,
  type KeySetMessage,
  memoryStore,
  publishRefreshReuse,
  type RefreshReuseMessage,
  requires,
  type RevocationMessage,
  type TokenCacheMessage,
} from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { recordChannels } from '../helpers/channel-recorder';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { joseKey, type JoseKey, joseToken, keySet } from '../helpers/jose-keys';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { DISCOVERY_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, hmacToken, NOW_MS, SECRET, signToken } from '../helpers/tokens';

const recorder = recordChannels();
let idp: JwksServer;
let key: JoseKey;
beforeAll(async () => {
  [idp, key] = await Promise.all([startJwksServer(), joseKey('RS256', 'idp-1')]);
});
afterAll(async () => {
  recorder.stop();
  await idp.close();
});
beforeEach(() => {
  recorder.clear();
  idp.reset();
  idp.state.document = keySet(key);
});

describe.each(EXPRESS_VERSIONS)('express-jwt-auth:guard on %s', (_name, expressFactory) => {
  it('publishes not_authenticated with status 401 when authenticated() refuses an anonymous request', async () => {
    const { app, probe } = buildApp({ expressFactory, guards: [authenticated()] });
    const res = await request(app).get('/probe');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(probe.handlerRan).toBe(false);
    expect(recorder.on<GuardRefusalMessage>(CHANNELS.guard)).toEqual([{ guard: 'authenticated', reason: 'not_authenticated', status: 401 }]);
  });

  it('publishes insufficient_scope with the configured status when requires() refuses, and nothing when it lets through', async () => {
    const { app, probe } = buildApp({ expressFactory, guards: [requires('admin', { statusCode: 404 })] });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken()}`);
    expect(res.status).toBe(404);
    expect(probe.handlerRan).toBe(false);
    const allowed = buildApp({ expressFactory, guards: [requires('read')] });
    expect((await request(allowed.app).get('/probe').set('Authorization', `Bearer ${signToken()}`)).status).toBe(200);
    expect(recorder.on<GuardRefusalMessage>(CHANNELS.guard)).toEqual([{ guard: 'requires', reason: 'insufficient_scope', status: 404 }]);
  });

  it('publishes a claim guard\'s refusal under its own name, as insufficient_scope', async () => {
    const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('role', 'admin')] });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ role: 'user' }))}`);
    expect(res.status).toBe(403);
    expect(probe.handlerRan).toBe(false);
    expect(recorder.on<GuardRefusalMessage>(CHANNELS.guard)).toEqual([{ guard: 'claimEquals', reason: 'insufficient_scope', status: 403 }]);
  });

  it('publishes a step-up refusal as insufficient_user_authentication with status 401', async () => {
    const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ acrValues: ['mfa'] })] });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ acr: 'pwd' }))}`);
    expect(res.status).toBe(401);
    expect(probe.handlerRan).toBe(false);
    expect(recorder.on<GuardRefusalMessage>(CHANNELS.guard)).toEqual([{ guard: 'authenticated', reason: 'insufficient_user_authentication', status: 401 }]);
  });

  it('publishes status 303 for a guard that redirects browsers', async () => {
    const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ redirect: '/login' })] });
    const res = await request(app).get('/probe');
    expect(res.status).toBe(303);
    expect(probe.handlerRan).toBe(false);
    expect(recorder.on<GuardRefusalMessage>(CHANNELS.guard)).toEqual([{ guard: 'authenticated', reason: 'not_authenticated', status: 303 }]);
  });
});

describe('express-jwt-auth:token-cache', () => {
  it('publishes a miss for a new token and a hit for the same token again', async () => {
    const { app } = buildApp();
    const token = signToken();
    for (let i = 0; i < 2; i++) expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(recorder.on<TokenCacheMessage>(CHANNELS.tokenCache)).toEqual([{ result: 'miss' }, { result: 'hit' }]);
  });

  it('publishes rejected_hit when a forged token comes back, which is refused again', async () => {
    const { app, probe } = buildApp();
    const forged = hmacToken({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789abcdefghijklmnopqrstuvwxyz');
    for (let i = 0; i < 2; i++) expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${forged}`), probe, invalidTokenRejection('bad_signature'));
    expect(recorder.on<TokenCacheMessage>(CHANNELS.tokenCache)).toEqual([{ result: 'miss' }, { result: 'rejected_hit' }]);
  });

  it('publishes nothing for a backend without a cache', async () => {
    const { app } = buildApp({ backend: jwtBackend({ cacheSize: 0 }) });
    expect((await request(app).get('/probe').set('Authorization', `Bearer ${signToken()}`)).status).toBe(200);
    expect(recorder.on(CHANNELS.tokenCache)).toEqual([]);
  });
});

describe('express-jwt-auth:revocation', () => {
  it('publishes the kind of each revocation and that the store has it, never the jti or the subject', async () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: () => NOW_MS, store: memoryStore() });
    await backend.ready();
    await backend.revoke(signToken(claims({ jti: 'token-secret-jti' })));
    await backend.revokeSubject('user-1');
    await backend.close();
    expect(recorder.on<RevocationMessage>(CHANNELS.revocation)).toEqual([{ kind: 'jti', stored: true }, { kind: 'sub', stored: true }]);
  });
});

describe('express-jwt-auth:refresh-reuse', () => {
  it('publishes what publishRefreshReuse is given, without anything else', () => {
    publishRefreshReuse({ familyId: 'family-1', subject: 'alice' });
    expect(recorder.on<RefreshReuseMessage>(CHANNELS.refreshReuse)).toEqual([{ familyId: 'family-1', subject: 'alice' }]);
  });
});

describe('express-jwt-auth:key-set', () => {
  it('publishes started then succeeded with the number of keys and the duration', async () => {
    const target = remoteApp({ jwksUri: idp.jwksUri });
    expect((await probeWith(target, await joseToken(key))).status).toBe(200);
    expect(recorder.on<KeySetMessage>(CHANNELS.keySet)).toEqual([
      { event: 'started', url: idp.jwksUri },
      { event: 'succeeded', url: idp.jwksUri, keys: 1, durationSec: expect.any(Number) as number },
    ]);
  });

  it('publishes failed with the typed cause when the endpoint answers 500', async () => {
    idp.state.status = 500;
    const target = remoteApp({ jwksUri: idp.jwksUri, logger: false });
    expectUnavailable(await probeWith(target, await joseToken(key)), target.probe);
    expect(recorder.on<KeySetMessage>(CHANNELS.keySet).map((message) => [message.event, message.cause])).toEqual([['started', undefined], ['failed', 'http_status']]);
  });

  it('publishes served_stale when a refresh fails while older keys keep verifying', async () => {
    const target = remoteApp({ jwksUri: idp.jwksUri });
    const token = await joseToken(key);
    expect((await probeWith(target, token)).status).toBe(200);
    idp.state.status = 503;
    target.clock.advance(FETCH.maxAgeMs);
    expect((await probeWith(target, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recorder.on<KeySetMessage>(CHANNELS.keySet).map((message) => message.event)).toEqual(['started', 'succeeded', 'started', 'failed', 'served_stale']);
    expect(recorder.on<KeySetMessage>(CHANNELS.keySet)[4]).toEqual({ event: 'served_stale', url: idp.jwksUri, keys: 1 });
  });
});

describe('express-jwt-auth:configuration-fault and the logger', () => {
  it('logs an issuer mismatch once through the logger, naming both issuers, and publishes it once without them', async () => {
    const lines: string[] = [];
    idp.state.discovery = { issuer: 'https://found.example', jwks_uri: idp.jwksUri };
    // Discovery from a plain-HTTP issuer on this machine: the configured issuer is its origin.
    const target = remoteApp({ issuer: idp.origin, logger: { warn: (line) => lines.push(line) } });
    const token = await joseToken(key, { payload: claims({ iss: idp.origin }) });
    for (let i = 0; i < 3; i++) {
      expectUnavailable(await probeWith(target, token), target.probe);
      target.clock.advance(FETCH.cooldownMs);
    }
    expect(idp.count(DISCOVERY_PATH)).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"https://found.example"');
    expect(lines[0]).toContain(JSON.stringify(idp.origin));
    expect(lines[0]).toMatch(/\[EXPRESS_JWT_AUTH_ISSUER_MISMATCH\]$/);
    const faults = recorder.on<ConfigurationFaultMessage>(CHANNELS.configurationFault);
    expect(faults).toEqual([{ code: 'EXPRESS_JWT_AUTH_ISSUER_MISMATCH', cause: 'issuer_mismatch', url: `${idp.origin}${DISCOVERY_PATH}` }]);
    expect(JSON.stringify(recorder.messages)).not.toContain('found.example');
  });

  it('logs to console.warn by default, and not at all with logger: false', async () => {
    idp.state.document = { keys: [] };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const token = await joseToken(key);
      const loud = remoteApp({ jwksUri: idp.jwksUri });
      expectUnavailable(await probeWith(loud, token), loud.probe);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toContain('[EXPRESS_JWT_AUTH_NO_USABLE_KEY]');
      const silenced = remoteApp({ jwksUri: idp.jwksUri, logger: false });
      expectUnavailable(await probeWith(silenced, token), silenced.probe);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ['a function', () => undefined],
    ['true', true],
    ['an object without warn', { info: () => undefined }],
  ])('throws a TypeError at construction for a logger that is %s', (_what, logger) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, logger } as never)).toThrow(
      new TypeError('JWTAuthenticationBackend: "logger" must be an object with a warn(message) method (e.g. console, or a pino logger), or false to silence it.'),
    );
  });
});
