import { setTimeout as sleep } from 'node:timers/promises';
import { JWTAuthenticationBackend } from '../../lib';
import { buildApp } from '../helpers/apps';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { type ManualClock, manualClock } from '../helpers/manual-clock';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';
import { claims } from '../helpers/tokens';

// The cooldown, the key age and Retry-After are intervals: measured on a monotonic clock, they
// do not stretch when the wall clock is set back (NTP, an operator, a VM resumed), nor shrink
// when it jumps ahead. Token times stay on the wall clock.

const HOUR_MS = 3_600_000;

let jwks: JwksServer;
let oldKey: JoseKey;
let newKey: JoseKey;

beforeAll(async () => {
  jwks = await startJwksServer();
  [oldKey, newKey] = await Promise.all([joseKey('RS256', '2024-01'), joseKey('RS256', '2024-06')]);
});
afterAll(() => jwks.close());
beforeEach(() => {
  jwks.reset();
  jwks.state.document = keySet(oldKey);
});

/** A token of `key` issued at the wall time of `clock`, valid for an hour. */
function tokenAt(key: JoseKey, clock: ManualClock): Promise<string> {
  const iat = Math.floor(clock.now() / 1000);
  return joseToken(key, { payload: claims({ iat, exp: iat + 3600 }) });
}

describe('JWTAuthenticationBackend with a remote key set when the wall clock steps back one hour', () => {
  it('accepts a token of a newly rotated key once the cooldown has passed, not an hour later', async () => {
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expect((await probeWith(target, await tokenAt(oldKey, target.clock))).status).toBe(200);
    target.clock.stepWall(-HOUR_MS);
    jwks.state.document = keySet(newKey);
    target.clock.advance(FETCH.cooldownMs);
    const res = await probeWith(target, await tokenAt(newKey, target.clock));
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
    expect(jwks.count()).toBe(2);
  });

  it('keeps Retry-After within the cooldown during an outage, and recovers after it', async () => {
    jwks.state.status = 500;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expectUnavailable(await probeWith(target, await tokenAt(oldKey, target.clock)), target.probe, 30);
    target.clock.stepWall(-HOUR_MS);
    target.clock.advance(10_000);
    expectUnavailable(await probeWith(target, await tokenAt(oldKey, target.clock)), target.probe, 20);
    jwks.state.status = 200;
    target.clock.advance(20_000);
    expect((await probeWith(target, await tokenAt(oldKey, target.clock))).status).toBe(200);
    expect(jwks.count()).toBe(2);
  });

  it('measures the cooldown on performance.now when no clock is injected', async () => {
    const clock = manualClock();
    const cooldownMs = 300;
    const backend = new JWTAuthenticationBackend({ jwksUri: jwks.jwksUri, clock: clock.now, keySetFetch: { cooldownMs } });
    const target = buildApp({ backend });
    expect((await probeWith(target, await tokenAt(oldKey, clock))).status).toBe(200);
    clock.stepWall(-HOUR_MS);
    jwks.state.document = keySet(newKey);
    await sleep(cooldownMs + 50);
    expect((await probeWith(target, await tokenAt(newKey, clock))).status).toBe(200);
    expect(jwks.count()).toBe(2);
  });
});

describe('JWTAuthenticationBackend with a remote key set when the wall clock jumps a day ahead', () => {
  it('neither refetches for an unknown kid before the cooldown nor refreshes keys before maxAgeMs', async () => {
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expect((await probeWith(target, await tokenAt(oldKey, target.clock))).status).toBe(200);
    target.clock.stepWall(24 * HOUR_MS);
    jwks.state.document = keySet(newKey);
    expect((await probeWith(target, await tokenAt(oldKey, target.clock))).status).toBe(200);
    expectInvalidToken(await probeWith(target, await tokenAt(newKey, target.clock)), target.probe, 'unknown_key');
    // Time for a background refresh to reach the server, had one been started.
    await sleep(100);
    expect(jwks.count()).toBe(1);
  });
});
