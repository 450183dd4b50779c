import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';

// Time is the injected clock's: the cooldown and the key age are measured on it, so moving it
// is how these tests cross a window, never by waiting.

let jwks: JwksServer;
let oldKey: JoseKey;
let newKey: JoseKey;
let unknownKey: JoseKey;

beforeAll(async () => {
  jwks = await startJwksServer();
  [oldKey, newKey, unknownKey] = await Promise.all([joseKey('RS256', '2024-01'), joseKey('RS256', '2024-06'), joseKey('RS256', 'nobody')]);
});
afterAll(() => jwks.close());
beforeEach(() => jwks.reset());

describe('JWTAuthenticationBackend with a remote key set that rotates', () => {
  describe('when the provider swaps its key', () => {
    it('fetches once for the new kid after the cooldown and accepts the token', async () => {
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expect((await probeWith(target, await joseToken(oldKey))).status).toBe(200);
      jwks.state.document = keySet(newKey);
      target.clock.advance(FETCH.cooldownMs);
      const res = await probeWith(target, await joseToken(newKey));
      expect(res.status).toBe(200);
      expect(target.probe.handlerRan).toBe(true);
      expect(jwks.count()).toBe(2);
    });

    it('then refuses a token of the retired key with unknown_key, without another fetch', async () => {
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      await probeWith(target, await joseToken(oldKey));
      jwks.state.document = keySet(newKey);
      target.clock.advance(FETCH.cooldownMs);
      await probeWith(target, await joseToken(newKey));
      expectInvalidToken(await probeWith(target, await joseToken(oldKey)), target.probe, 'unknown_key');
      expect(jwks.count()).toBe(2);
    });

    it('accepts tokens of both keys while the provider publishes both', async () => {
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      await probeWith(target, await joseToken(oldKey));
      jwks.state.document = keySet(oldKey, newKey);
      target.clock.advance(FETCH.cooldownMs);
      expect((await probeWith(target, await joseToken(newKey))).status).toBe(200);
      expect((await probeWith(target, await joseToken(oldKey))).status).toBe(200);
      expect(jwks.count()).toBe(2);
    });

    it('refuses the new kid with unknown_key, without fetching, until the cooldown has passed', async () => {
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      await probeWith(target, await joseToken(oldKey));
      jwks.state.document = keySet(newKey);
      target.clock.advance(FETCH.cooldownMs - 1);
      expectInvalidToken(await probeWith(target, await joseToken(newKey)), target.probe, 'unknown_key');
      expect(jwks.count()).toBe(1);
      target.clock.advance(1);
      expect((await probeWith(target, await joseToken(newKey))).status).toBe(200);
    });
  });

  describe('when the keys grow older than maxAgeMs', () => {
    it('refreshes them in the background while serving the token with the key it has', async () => {
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      await probeWith(target, await joseToken(oldKey));
      jwks.state.document = keySet(newKey);
      target.clock.advance(FETCH.maxAgeMs);
      expect((await probeWith(target, await joseToken(oldKey))).status).toBe(200);
      // Waits for the background refresh, if still running, and finds the new key in its result.
      expect((await probeWith(target, await joseToken(newKey))).status).toBe(200);
      expectInvalidToken(await probeWith(target, await joseToken(oldKey)), target.probe, 'unknown_key');
      expect(jwks.count()).toBe(2);
    });
  });
});

describe('JWTAuthenticationBackend with a remote key set and unknown kids', () => {
  it('refetches at most once per cooldown window, however many unknown kids arrive', async () => {
    jwks.state.document = keySet(oldKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    await probeWith(target, await joseToken(oldKey));
    expect(jwks.count()).toBe(1);
    for (let i = 0; i < 3; i++) {
      expectInvalidToken(await probeWith(target, await joseToken(unknownKey)), target.probe, 'unknown_key');
    }
    expect(jwks.count()).toBe(1);
    target.clock.advance(FETCH.cooldownMs);
    for (let i = 0; i < 3; i++) {
      expectInvalidToken(await probeWith(target, await joseToken(unknownKey)), target.probe, 'unknown_key');
    }
    expect(jwks.count()).toBe(2);
    target.clock.advance(FETCH.cooldownMs / 2);
    await probeWith(target, await joseToken(unknownKey));
    expect(jwks.count()).toBe(2);
    target.clock.advance(FETCH.cooldownMs / 2);
    await probeWith(target, await joseToken(unknownKey));
    expect(jwks.count()).toBe(3);
  });

  it('honours a custom cooldownMs', async () => {
    jwks.state.document = keySet(oldKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, cooldownMs: 1000 } });
    await probeWith(target, await joseToken(oldKey));
    target.clock.advance(999);
    await probeWith(target, await joseToken(unknownKey));
    expect(jwks.count()).toBe(1);
    target.clock.advance(1);
    await probeWith(target, await joseToken(unknownKey));
    expect(jwks.count()).toBe(2);
  });

  it('refuses a token without kid with unknown_key, not by fetching again, when two keys fit', async () => {
    jwks.state.document = keySet(oldKey, newKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    await probeWith(target, await joseToken(oldKey));
    expectInvalidToken(await probeWith(target, await joseToken(oldKey, { kid: null })), target.probe, 'unknown_key');
    expect(jwks.count()).toBe(1);
  });
});

describe('JWTAuthenticationBackend with a remote key set under concurrent requests', () => {
  // The endpoint answers slowly, so that every request arrives while the first fetch runs.
  const PARALLEL = 20;

  it('shares one fetch among 20 simultaneous first tokens, and accepts them all', async () => {
    jwks.state.document = keySet(oldKey);
    jwks.state.delayMs = 300;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    const token = await joseToken(oldKey);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => probeWith(target, token)));
    expect(answers.map((res) => res.status)).toEqual(Array(PARALLEL).fill(200));
    expect(jwks.count()).toBe(1);
  });

  it('shares one fetch among 20 simultaneous tokens of the same unknown kid, and refuses them all', async () => {
    jwks.state.document = keySet(oldKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    await probeWith(target, await joseToken(oldKey));
    target.clock.advance(FETCH.cooldownMs);
    jwks.state.delayMs = 300;
    const token = await joseToken(unknownKey);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => probeWith(target, token)));
    for (const res of answers) expectInvalidToken(res, target.probe, 'unknown_key');
    expect(jwks.count()).toBe(2);
  });

  it('shares one fetch among 20 simultaneous tokens of a new kid after a rotation, and accepts them all', async () => {
    jwks.state.document = keySet(oldKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    await probeWith(target, await joseToken(oldKey));
    jwks.state.document = keySet(newKey);
    jwks.state.delayMs = 300;
    target.clock.advance(FETCH.cooldownMs);
    const token = await joseToken(newKey);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => probeWith(target, token)));
    expect(answers.map((res) => res.status)).toEqual(Array(PARALLEL).fill(200));
    expect(jwks.count()).toBe(2);
  });

  it('answers 20 simultaneous tokens 503 with one fetch when the endpoint fails', async () => {
    jwks.state.status = 500;
    jwks.state.delayMs = 300;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    const token = await joseToken(oldKey);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => probeWith(target, token)));
    for (const res of answers) expectUnavailable(res, target.probe, 30);
    expect(jwks.count()).toBe(1);
  });
});

describe('JWTAuthenticationBackend with a remote key set that recovers', () => {
  it('answers 503 during the outage, counts Retry-After down on its clock, and accepts tokens once the cooldown has passed', async () => {
    jwks.state.document = keySet(oldKey);
    jwks.state.status = 500;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    const token = await joseToken(oldKey);
    expectUnavailable(await probeWith(target, token), target.probe, 30);
    target.clock.advance(10_000);
    expectUnavailable(await probeWith(target, token), target.probe, 20);
    jwks.state.status = 200;
    target.clock.advance(19_500);
    // The endpoint is back, but the cooldown is not over: no fetch yet (Retry-After rounds up).
    expectUnavailable(await probeWith(target, token), target.probe, 1);
    expect(jwks.count()).toBe(1);
    target.clock.advance(500);
    const res = await probeWith(target, token);
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
    expect(jwks.count()).toBe(2);
  });

  it('recovers after the endpoint stopped listening and started again on the same port', async () => {
    jwks.state.document = keySet(oldKey);
    await jwks.stop();
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    const token = await joseToken(oldKey);
    try {
      expectUnavailable(await probeWith(target, token), target.probe, 30);
    } finally {
      await jwks.start();
    }
    target.clock.advance(FETCH.cooldownMs);
    expect((await probeWith(target, token)).status).toBe(200);
  });
});
