import { setTimeout as sleep } from 'node:timers/promises';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { FETCH, probeWith, remoteApp, type RemoteApp } from '../helpers/remote-apps';

// Stale beats unavailable: keys fetched once keep verifying when the endpoint later fails.

let jwks: JwksServer;
let known: JoseKey;
let unknown: JoseKey;

beforeAll(async () => {
  jwks = await startJwksServer();
  [known, unknown] = await Promise.all([joseKey('RS256', 'known'), joseKey('RS256', 'unknown')]);
});
afterAll(() => jwks.close());
beforeEach(() => {
  jwks.reset();
  jwks.state.document = keySet(known);
});

/** An app that fetched the set once, whose keys the endpoint can no longer refresh. */
async function staleApp(breakEndpoint: () => void | Promise<void>): Promise<RemoteApp> {
  const target = remoteApp({ jwksUri: jwks.jwksUri });
  expect((await probeWith(target, await joseToken(known))).status).toBe(200);
  await breakEndpoint();
  target.clock.advance(FETCH.maxAgeMs);
  return target;
}

describe.each([
  ['answers 500', async () => { jwks.state.status = 500; }],
  ['answers invalid JSON', async () => { jwks.state.body = '{'; }],
  ['stops listening', () => jwks.stop()],
])('JWTAuthenticationBackend whose key-set endpoint %s after a successful fetch', (_what, breakEndpoint) => {
  afterEach(() => jwks.start().catch(() => undefined));

  it('still accepts a token with a known kid once the keys are older than maxAgeMs', async () => {
    const target = await staleApp(breakEndpoint);
    const res = await probeWith(target, await joseToken(known));
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
  });

  it('answers 503, not 401, for an unknown kid: the key may exist at the unreachable endpoint', async () => {
    const target = await staleApp(breakEndpoint);
    await probeWith(target, await joseToken(known));
    expectUnavailable(await probeWith(target, await joseToken(unknown)), target.probe);
  });

  it('keeps accepting the known kid after the failed refresh', async () => {
    const target = await staleApp(breakEndpoint);
    await probeWith(target, await joseToken(known));
    await probeWith(target, await joseToken(unknown));
    target.clock.advance(FETCH.cooldownMs);
    expect((await probeWith(target, await joseToken(known))).status).toBe(200);
  });
});

describe('JWTAuthenticationBackend whose stale keys cannot be refreshed', () => {
  it('tries the endpoint at most once per cooldown window while known-kid tokens keep arriving', async () => {
    const target = await staleApp(() => {
      jwks.state.status = 500;
    });
    const token = await joseToken(known);
    for (let i = 0; i < 5; i++) {
      expect((await probeWith(target, token)).status).toBe(200);
      // Lets each background refresh end before the next token (an upper bound on the fetches
      // made, so a slow machine can only make this test pass, never fail).
      await sleep(100);
    }
    // RemoteKeySetOptions.cooldownMs: "an unknown kid or an outage triggers at most one fetch per window".
    expect(jwks.count()).toBe(2);
  });

  it('accepts tokens of a new key once the endpoint is back and the cooldown has passed', async () => {
    const target = await staleApp(() => {
      jwks.state.status = 500;
    });
    await probeWith(target, await joseToken(known));
    expectUnavailable(await probeWith(target, await joseToken(unknown)), target.probe);
    jwks.state.status = 200;
    jwks.state.document = keySet(known, unknown);
    target.clock.advance(FETCH.cooldownMs);
    expect((await probeWith(target, await joseToken(unknown))).status).toBe(200);
  });
});
