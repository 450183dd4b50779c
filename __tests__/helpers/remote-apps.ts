import type express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, type RemoteKeySetOptions } from '../../lib';
import { MONOTONIC_CLOCK } from '../../lib/keys/remote-key-set';
import { buildApp, type Probe } from './apps';
import { type ManualClock, manualClock } from './manual-clock';

/** The fetch settings of the remote backends here; tests override what they exercise. */
export const FETCH = { timeoutMs: 2000, cooldownMs: 30_000, maxAgeMs: 600_000 } as const;

/** An app whose backend verifies a remote key set, with the clocks that backend reads. */
export interface RemoteApp {
  readonly app: Express;
  readonly probe: Probe;
  /** The backend's wall clock, and its key set's monotonic clock: `advance` moves both. */
  readonly clock: ManualClock;
  readonly backend: JWTAuthenticationBackend;
}

/**
 * `keySetFetch` with the monotonic clock of `clock` injected, so that the key set's cooldown,
 * key age and `Retry-After` move when the test moves the clock.
 */
export function withManualClock(keySetFetch: RemoteKeySetOptions, clock: ManualClock): RemoteKeySetOptions {
  return Object.assign({ ...keySetFetch }, { [MONOTONIC_CLOCK]: clock.monotonic });
}

/**
 * Builds `GET /probe` (see `buildApp`) behind a backend with a remote key set, an injected
 * {@link ManualClock} (wall and monotonic), and {@link FETCH} unless `options.keySetFetch` says
 * otherwise.
 *
 * @example
 * ```ts
 * const { app, probe, clock } = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['ES256'] });
 * ```
 */
export function remoteApp(options: Partial<JWTAuthenticationBackendOptions>, expressFactory?: typeof express): RemoteApp {
  const clock = manualClock();
  const keySetFetch = withManualClock(options.keySetFetch ?? FETCH, clock);
  const backend = new JWTAuthenticationBackend({ clock: clock.now, ...options, keySetFetch });
  const { app, probe } = buildApp({ backend, expressFactory });
  return { app, probe, clock, backend };
}

/**
 * Sends `GET /probe` with a bearer token, first clearing what the probe remembers, so that one
 * app can be asked several times and each answer checked on its own.
 */
export function probeWith(target: { readonly app: Express; readonly probe: Probe }, token: string): request.Test {
  target.probe.handlerRan = false;
  target.probe.appErrors.length = 0;
  return request(target.app).get('/probe').set('Authorization', `Bearer ${token}`);
}
