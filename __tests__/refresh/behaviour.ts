import request from 'supertest';
import { type JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, CHANNELS, RefreshTokenError, type Store } from '../../lib';
import { type ManualClock, manualClock } from '../helpers/manual-clock';
import { payloadOf, probeStatus, refreshApp, refreshBackend, signIn } from '../helpers/refresh';
import { waitFor } from '../helpers/store-contract';
import { recordChannels } from '../helpers/channel-recorder';

/** Opens a fresh store (an empty key space) for one test, and closes what it opened. */
export interface StoreFactory {
  open(clock: () => number): Promise<Store>;
  closeAll(): Promise<void>;
}

async function refusal(promise: Promise<unknown>): Promise<RefreshTokenError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RefreshTokenError) return err;
    throw err;
  }
  throw new Error('the refresh was not refused');
}

/**
 * The behaviour of refresh tokens on one kind of store: rotation, the reuse interval, reuse
 * ending the family, concurrency, lifetimes, scope narrowing, logout and sign-out everywhere.
 */
export function refreshBehaviour(stores: StoreFactory): void {
  let clock: ManualClock;
  const backends: JWTAuthenticationBackend[] = [];

  async function setup(options: Partial<JWTAuthenticationBackendOptions> = {}): Promise<{ backend: JWTAuthenticationBackend; app: ReturnType<typeof refreshApp>['app'] }> {
    const store = await stores.open(clock.now);
    const backend = refreshBackend(store, clock.now, options);
    backends.push(backend);
    await backend.ready();
    return { backend, app: refreshApp(backend).app };
  }

  beforeEach(() => {
    clock = manualClock();
  });
  afterEach(async () => {
    for (const backend of backends.splice(0)) await backend.close();
    await stores.closeAll();
  });

  describe('sign-in', () => {
    it('answers login() with an opaque refresh_token beside an access token whose sid names the family', async () => {
      const { app } = await setup();
      const body = await signIn(app);
      expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(payloadOf(body.access_token).sid).toBe(body.refresh_token.split('.')[0]);
      expect(body.scope).toBe('read write');
      expect(await probeStatus(app, body.access_token)).toBe(200);
    });
  });

  describe('rotation', () => {
    it('exchanges a refresh token for a new pair with the same subject, scopes and family', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      clock.advance(60_000);
      const pair = await backend.refresh(first.refresh_token);
      expect(pair.refreshToken).not.toBe(first.refresh_token);
      expect(pair.refreshToken.split('.')[0]).toBe(first.refresh_token.split('.')[0]);
      expect(pair.scopes).toEqual(['read', 'write']);
      expect(payloadOf(pair.accessToken)).toMatchObject({ sub: 'alice', scope: 'read write', sid: first.refresh_token.split('.')[0] });
      expect(await probeStatus(app, pair.accessToken)).toBe(200);
      const next = await backend.refresh(pair.refreshToken);
      expect(next.refreshToken).not.toBe(pair.refreshToken);
    });

    it('returns the same pair to a second use of the replaced token within the reuse interval, and the family goes on', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const pair = await backend.refresh(first.refresh_token);
      clock.advance(1500);
      expect(await backend.refresh(first.refresh_token)).toEqual(pair);
      const next = await backend.refresh(pair.refreshToken);
      expect(await probeStatus(app, next.accessToken)).toBe(200);
    });

    it('gives every one of eight concurrent refreshes with one token the identical pair, from a single rotation', async () => {
      const { backend } = await setup();
      const { app } = refreshApp(backend);
      const first = await signIn(app);
      const pairs = await Promise.all(Array.from({ length: 8 }, () => backend.refresh(first.refresh_token)));
      for (const pair of pairs) expect(pair).toEqual(pairs[0]);
      // One rotation: the pair's refresh token is the family's current one and rotates once more.
      await expect(backend.refresh(pairs[0].refreshToken)).resolves.toMatchObject({ scopes: ['read', 'write'] });
    });
  });

  describe('reuse detection', () => {
    it('ends the family when a replaced token comes back after the reuse interval: its newest refresh token and every access token are refused', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const pair = await backend.refresh(first.refresh_token);
      clock.advance(2001);
      const reuse = await refusal(backend.refresh(first.refresh_token));
      expect(reuse).toMatchObject({ code: 'invalid_grant', reason: 'reused', status: 400 });
      expect(reuse.message).not.toContain(first.refresh_token);
      expect(await refusal(backend.refresh(pair.refreshToken))).toMatchObject({ code: 'invalid_grant', reason: 'revoked' });
      expect(await probeStatus(app, pair.accessToken)).toBe(401);
      expect(await probeStatus(app, first.access_token)).toBe(401);
    });

    it('publishes the reuse on express-jwt-auth:refresh-reuse with the family and subject, never a token', async () => {
      const { backend, app } = await setup();
      const recorder = recordChannels([CHANNELS.refreshReuse]);
      try {
        const first = await signIn(app);
        const pair = await backend.refresh(first.refresh_token);
        expect(recorder.on(CHANNELS.refreshReuse)).toEqual([]);
        clock.advance(2001);
        await refusal(backend.refresh(first.refresh_token));
        const sid = payloadOf(first.access_token).sid;
        expect(recorder.on(CHANNELS.refreshReuse)).toEqual([{ familyId: sid, subject: 'alice' }]);
        const published = JSON.stringify(recorder.messages);
        for (const token of [first.refresh_token, first.access_token, pair.refreshToken, pair.accessToken]) expect(published).not.toContain(token);
      } finally {
        recorder.stop();
      }
    });

    it('ends the family when a token rotated out several generations ago comes back', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      let token = first.refresh_token;
      for (let i = 0; i < 4; i++) {
        token = (await backend.refresh(token)).refreshToken;
        clock.advance(3000);
      }
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ reason: 'reused' });
      expect(await refusal(backend.refresh(token))).toMatchObject({ reason: 'revoked' });
    });

    it('refuses a token rotated out more than 100 rotations ago as unknown, without ending the family', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      let token = first.refresh_token;
      for (let i = 0; i < 102; i++) {
        token = (await backend.refresh(token)).refreshToken;
        clock.advance(3000);
      }
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ code: 'invalid_grant', reason: 'unknown' });
      await expect(backend.refresh(token)).resolves.toBeDefined();
    });

    it('leaves other families of the same subject working', async () => {
      const { backend, app } = await setup();
      const phone = await signIn(app);
      const laptop = await signIn(app);
      await backend.refresh(phone.refresh_token);
      clock.advance(5000);
      await refusal(backend.refresh(phone.refresh_token));
      expect(await probeStatus(app, laptop.access_token)).toBe(200);
      await expect(backend.refresh(laptop.refresh_token)).resolves.toBeDefined();
    });

    it('treats every second use as a reuse with reuseInterval 0', async () => {
      const { backend, app } = await setup({ refreshTokens: { reuseInterval: 0 } });
      const first = await signIn(app);
      await backend.refresh(first.refresh_token);
      clock.advance(1);
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ reason: 'reused' });
    });
  });

  describe('lifetimes', () => {
    it('refuses a refresh token past its own expiresIn with invalid_grant', async () => {
      const { backend, app } = await setup({ refreshTokens: { expiresIn: 3600 } });
      const first = await signIn(app);
      expect(first).toMatchObject({ expires_in: 900 });
      clock.advance(3_600_000);
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ code: 'invalid_grant', reason: 'expired' });
    });

    it('refuses every refresh past the family\'s absolute lifetime, however often it was refreshed', async () => {
      const { backend, app } = await setup({ refreshTokens: { expiresIn: 3600, absoluteLifetime: 7200 } });
      let token = (await signIn(app)).refresh_token;
      for (let i = 0; i < 3; i++) {
        clock.advance(1_800_000);
        const pair = await backend.refresh(token);
        // The token's lifetime is cut to what is left of the family's.
        expect(pair.refreshExpiresIn).toBeLessThanOrEqual(7200 - (i + 1) * 1800);
        token = pair.refreshToken;
      }
      clock.advance(1_800_000);
      expect(await refusal(backend.refresh(token))).toMatchObject({ code: 'invalid_grant', reason: 'expired' });
    });
  });

  describe('scope narrowing', () => {
    it('issues an access token with fewer scopes on request, refuses a wider scope with invalid_scope, and keeps the sign-in\'s scopes for later refreshes', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const narrow = await backend.refresh(first.refresh_token, { scope: ['read'] });
      expect(payloadOf(narrow.accessToken).scope).toBe('read');
      expect(narrow.scopes).toEqual(['read']);
      expect(await refusal(backend.refresh(narrow.refreshToken, { scope: ['read', 'admin'] }))).toMatchObject({ code: 'invalid_scope', reason: 'scope_not_granted' });
      const full = await backend.refresh(narrow.refreshToken);
      expect(full.scopes).toEqual(['read', 'write']);
    });
  });

  describe('logout and sign-out everywhere', () => {
    it('ends the family on logout with the refresh token: it and the access tokens are refused', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const res = await request(app).post('/logout').send({ refresh_token: first.refresh_token });
      expect(res.status).toBe(204);
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ reason: 'revoked' });
      expect(await probeStatus(app, first.access_token)).toBe(401);
    });

    it('ends the family on logout with only the access token of the session', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const res = await request(app).post('/logout').set('Authorization', `Bearer ${first.access_token}`).send({});
      expect(res.status).toBe(204);
      expect(await refusal(backend.refresh(first.refresh_token))).toMatchObject({ reason: 'revoked' });
    });

    it('ends every family of the subject with revokeSubject, and no other subject\'s', async () => {
      const { backend, app } = await setup();
      const phone = await signIn(app, 'alice');
      const laptop = await signIn(app, 'alice');
      const bob = await signIn(app, 'bob');
      clock.advance(1000);
      await backend.revokeSubject('alice');
      for (const session of [phone, laptop]) {
        expect(await refusal(backend.refresh(session.refresh_token))).toMatchObject({ reason: 'revoked' });
        expect(await probeStatus(app, session.access_token)).toBe(401);
      }
      await expect(backend.refresh(bob.refresh_token)).resolves.toBeDefined();
      expect(await probeStatus(app, bob.access_token)).toBe(200);
    });
  });

  describe('across instances sharing the store', () => {
    it('makes a reuse detected on one instance refuse the family\'s access tokens on another', async () => {
      const store = await stores.open(clock.now);
      const [one, two] = [refreshBackend(store, clock.now), refreshBackend(store, clock.now)];
      backends.push(one, two);
      await Promise.all([one.ready(), two.ready()]);
      const appOne = refreshApp(one).app;
      const appTwo = refreshApp(two).app;
      const first = await signIn(appOne);
      const pair = await two.refresh(first.refresh_token);
      expect(await probeStatus(appTwo, pair.accessToken)).toBe(200);
      clock.advance(3000);
      expect(await refusal(one.refresh(first.refresh_token))).toMatchObject({ reason: 'reused' });
      await waitFor(async () => (await probeStatus(appTwo, pair.accessToken)) === 401, 5000);
    });
  });

  describe('refusals', () => {
    it('tells malformed, unknown, oversized and missing tokens apart by reason, never echoing the token', async () => {
      const { backend, app } = await setup();
      const first = await signIn(app);
      const unknown = `${first.refresh_token.split('.')[0]}.${'A'.repeat(43)}`;
      const cases: [string, string, string][] = [
        ['not-a-token', 'invalid_grant', 'malformed'],
        [unknown, 'invalid_grant', 'unknown'],
        [`${'B'.repeat(22)}.${'C'.repeat(43)}`, 'invalid_grant', 'unknown'],
        ['x'.repeat(300), 'invalid_request', 'too_large'],
        ['', 'invalid_request', 'missing'],
      ];
      for (const [token, code, reason] of cases) {
        const err = await refusal(backend.refresh(token));
        expect({ code: err.code, reason: err.reason, status: err.status }).toEqual({ code, reason, status: 400 });
        if (token !== '') expect(JSON.stringify(err.body)).not.toContain(token);
      }
      // An unknown secret for a live family does not end it.
      await expect(backend.refresh(first.refresh_token)).resolves.toBeDefined();
    });
  });
}
