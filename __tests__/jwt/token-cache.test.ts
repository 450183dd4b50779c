import * as signature from '../../lib/jwt/signature';
import { TokenCache, type VerifiedToken } from '../../lib/jwt/token-cache';
import { JWTAuthenticationBackend } from '../../lib';
import { buildApp } from '../helpers/apps';
import { joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { manualClock } from '../helpers/manual-clock';
import { probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, hmacToken, NOW, SECRET, signToken } from '../helpers/tokens';

describe('TokenCache', () => {
  // Each token its own entry: the cache writes its recency mark into it.
  const entryOf = (): VerifiedToken => ({ payload: {}, key: {} as never, verifiedAt: NOW, touched: 0 });

  it('never holds more than its size, evicting the least recently used token', () => {
    const cache = new TokenCache(2);
    const [a, b, c] = [entryOf(), entryOf(), entryOf()];
    cache.set('a', a);
    cache.set('b', b);
    cache.get('a');
    cache.set('c', c);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
  });

  it('keeps a token in steady use while many others come and go', () => {
    const cache = new TokenCache(100);
    const hot = entryOf();
    cache.set('hot', hot);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`cold-${i}`, entryOf());
      if (i % 10 === 0) expect(cache.get('hot')).toBe(hot);
    }
    expect(cache.size).toBe(100);
  });

  it('stays within its size through any mix of insertions, hits and deletions', () => {
    const cache = new TokenCache(50);
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const present = new Set<string>();
    for (let step = 0; step < 50_000; step++) {
      const token = `t-${random(200)}`;
      const action = random(10);
      if (action < 5) {
        cache.set(token, entryOf());
        present.add(token);
      } else if (action < 8) {
        cache.get(token);
      } else {
        cache.delete(token);
        present.delete(token);
      }
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    // Eviction only ever removes what was set: everything it holds was set and not deleted.
    expect(cache.size).toBe([...present].filter((token) => cache.get(token) !== undefined).length);
    expect(cache.size).toBeGreaterThan(0);
  });
});

describe('JWTAuthenticationBackend verified-token cache', () => {
  const spy = jest.spyOn(signature, 'verifySignature');
  afterEach(() => spy.mockClear());
  afterAll(() => spy.mockRestore());

  function appWith(options: Partial<ConstructorParameters<typeof JWTAuthenticationBackend>[0]> = {}) {
    const clock = manualClock();
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: clock.now, ...options });
    return { ...buildApp({ backend }), clock };
  }

  it('checks the signature of a repeated token once', async () => {
    const target = appWith();
    const token = signToken();
    for (let i = 0; i < 3; i++) expect((await probeWith(target, token)).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('checks the signature every time when cacheSize is 0', async () => {
    const target = appWith({ cacheSize: 0 });
    const token = signToken();
    for (let i = 0; i < 3; i++) expect((await probeWith(target, token)).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('never lets an entry outlive the token exp: a cached token is refused once the clock passes exp', async () => {
    const target = appWith();
    const token = signToken(claims({ exp: NOW + 60 }));
    expect((await probeWith(target, token)).status).toBe(200);
    target.clock.advance(60_000);
    const res = await probeWith(target, token);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ reason: 'expired', claim: 'exp' });
    expect(target.probe.handlerRan).toBe(false);
  });

  it('refuses a cached token past its exp when it has no iat (the fast-jwt cache flaw, CVE-2026-107719)', async () => {
    const target = appWith();
    const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', exp: NOW + 60 });
    expect((await probeWith(target, token)).status).toBe(200);
    target.clock.advance(60_000);
    expect((await probeWith(target, token)).body).toMatchObject({ reason: 'expired', claim: 'exp' });
  });

  it('respects nbf on every hit: a clock set back before nbf refuses the cached token', async () => {
    const target = appWith({ clockTolerance: 10 });
    const token = signToken(claims({ nbf: NOW + 5 }));
    expect((await probeWith(target, token)).status).toBe(200);
    target.clock.advance(-20_000);
    expect((await probeWith(target, token)).body).toMatchObject({ reason: 'not_yet_valid', claim: 'nbf' });
  });

  it('respects maxAge on every hit', async () => {
    const target = appWith({ maxAge: 120 });
    const token = signToken();
    expect((await probeWith(target, token)).status).toBe(200);
    target.clock.advance(120_000);
    expect((await probeWith(target, token)).body).toMatchObject({ reason: 'expired', claim: 'iat' });
  });

  it('refuses an expired token from the cache too, without checking its signature again', async () => {
    const target = appWith();
    const token = signToken(claims({ iat: NOW - 7200, exp: NOW - 3600 }));
    for (let i = 0; i < 3; i++) {
      const res = await probeWith(target, token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'expired', claim: 'exp' });
    }
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('accepts a cached token once the clock reaches its nbf', async () => {
    const target = appWith();
    const token = signToken(claims({ nbf: NOW + 60 }));
    expect((await probeWith(target, token)).body).toMatchObject({ reason: 'not_yet_valid', claim: 'nbf' });
    target.clock.advance(60_000);
    expect((await probeWith(target, token)).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('never remembers a token whose claims fail: its signature is checked every time', async () => {
    const target = appWith({ audience: 'https://api.example.com' });
    const token = signToken(claims({ aud: 'https://elsewhere.example.com' }));
    for (let i = 0; i < 3; i++) expect((await probeWith(target, token)).body).toMatchObject({ reason: 'claim_mismatch', claim: 'aud' });
    expect(spy).toHaveBeenCalledTimes(3);
  });

  describe('cacheMaxAge', () => {
    it('uses a verification for cacheMaxAge seconds, then checks the signature again', async () => {
      const target = appWith({ cacheMaxAge: 60 });
      const token = signToken();
      expect((await probeWith(target, token)).status).toBe(200);
      target.clock.advance(59_000);
      expect((await probeWith(target, token)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
      target.clock.advance(1_000);
      expect((await probeWith(target, token)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
    });

    it('defaults to 600 seconds', async () => {
      const target = appWith();
      const token = signToken();
      await probeWith(target, token);
      target.clock.advance(599_000);
      await probeWith(target, token);
      expect(spy).toHaveBeenCalledTimes(1);
      target.clock.advance(1_000);
      expect((await probeWith(target, token)).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
    });

    it('throws a TypeError for a cacheMaxAge that is not a number of seconds of at least 1', () => {
      for (const cacheMaxAge of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '600']) {
        expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, cacheMaxAge: cacheMaxAge as number })).toThrow(/"cacheMaxAge" must be a finite number of at least 1/);
      }
    });
  });

  describe('forged tokens', () => {
    const forged = (sub = 'user-1'): string => signToken(claims({ sub }), { key: `${SECRET}-forged` });

    it('refuses a repeated forged token without checking its signature again', async () => {
      const target = appWith();
      const token = forged();
      for (let i = 0; i < 3; i++) {
        const res = await probeWith(target, token);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ reason: 'bad_signature' });
        expect(target.probe.handlerRan).toBe(false);
      }
      expect(spy).toHaveBeenCalledTimes(1);
    });

    it('checks a forged token again after cacheMaxAge seconds', async () => {
      const target = appWith({ cacheMaxAge: 30 });
      const token = forged();
      await probeWith(target, token);
      target.clock.advance(29_000);
      expect((await probeWith(target, token)).body).toMatchObject({ reason: 'bad_signature' });
      expect(spy).toHaveBeenCalledTimes(1);
      target.clock.advance(1_000);
      expect((await probeWith(target, token)).body).toMatchObject({ reason: 'bad_signature' });
      expect(spy).toHaveBeenCalledTimes(2);
    });

    it('checks a forged token every time when cacheSize is 0', async () => {
      const target = appWith({ cacheSize: 0 });
      const token = forged();
      for (let i = 0; i < 3; i++) expect((await probeWith(target, token)).body).toMatchObject({ reason: 'bad_signature' });
      expect(spy).toHaveBeenCalledTimes(3);
    });

    it('remembers at most 1,000 forged tokens, the least recently seen forgotten first', () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: manualClock().now });
      const refuse = (token: string): void => {
        const header = `Bearer ${token}`;
        expect(() => backend.authenticate({ headers: { authorization: header }, rawHeaders: ['Authorization', header] } as never)).toThrow('signature');
      };
      const tokens = Array.from({ length: 1001 }, (_, index) => forged(`user-${index}`));
      for (const token of tokens) refuse(token);
      expect(spy).toHaveBeenCalledTimes(1001);
      refuse(tokens[1000]);
      expect(spy).toHaveBeenCalledTimes(1001);
      refuse(tokens[0]);
      expect(spy).toHaveBeenCalledTimes(1002);
    });
  });

  it('still runs isRevoked and retrieveUser on every request', async () => {
    const calls = { isRevoked: 0, retrieveUser: 0 };
    let revoked = false;
    const target = appWith({
      isRevoked: () => { calls.isRevoked++; return revoked; },
      retrieveUser: (payload) => { calls.retrieveUser++; return { isAuthenticated: true, displayName: String(payload.sub), identity: String(payload.sub) }; },
    });
    const token = signToken();
    await probeWith(target, token);
    await probeWith(target, token);
    revoked = true;
    const res = await probeWith(target, token);
    expect(calls).toEqual({ isRevoked: 3, retrieveUser: 2 });
    expect(res.body.reason).toBe('revoked');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  describe('with a remote key set', () => {
    let jwks: JwksServer;
    beforeAll(async () => { jwks = await startJwksServer(); });
    afterEach(() => jwks.reset());
    afterAll(() => jwks.close());

    it('stops trusting cached tokens of a key the identity provider removed', async () => {
      const [oldKey, newKey] = [await joseKey('ES256', 'old'), await joseKey('ES256', 'new')];
      jwks.state.document = keySet(oldKey);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['ES256'] });
      const oldToken = await joseToken(oldKey);
      expect((await probeWith(target, oldToken)).status).toBe(200);
      expect((await probeWith(target, oldToken)).status).toBe(200);

      // The provider rotates the old key out; after the cooldown, a token of the new key makes us refetch.
      jwks.state.document = keySet(newKey);
      target.clock.advance(30_000);
      expect((await probeWith(target, await joseToken(newKey))).status).toBe(200);

      const res = await probeWith(target, oldToken);
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe('unknown_key');
      expect(target.probe.handlerRan).toBe(false);
    });

    it('checks a forged token every time: a remote key set can change under it', async () => {
      const [key, impostor] = [await joseKey('ES256', 'k1'), await joseKey('ES256', 'k1')];
      jwks.state.document = keySet(key);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['ES256'] });
      const token = await joseToken(impostor);
      for (let i = 0; i < 3; i++) expect((await probeWith(target, token)).body).toMatchObject({ reason: 'bad_signature' });
      expect(spy).toHaveBeenCalledTimes(3);
    });

    it('refreshes a stale key set even when only cached tokens arrive', async () => {
      const key = await joseKey('ES256', 'k1');
      jwks.state.document = keySet(key);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['ES256'] });
      const token = await joseToken(key, { payload: claims({ exp: NOW + 7200 }) });
      await probeWith(target, token);
      expect(jwks.count()).toBe(1);
      target.clock.advance(600_000);
      await probeWith(target, token);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(jwks.count()).toBe(2);
    });
  });

  it('throws a TypeError for a cacheSize that is negative or not whole', () => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, cacheSize: -1 })).toThrow(/"cacheSize" must be a finite number/);
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, cacheSize: 1.5 })).toThrow(/"cacheSize" must be a whole number/);
  });
});
