import request from 'supertest';
import { InvalidTokenError, JWTAuthenticationBackend, memoryStore, SimpleUser, type Store } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { waitFor } from '../helpers/store-contract';
import { claims, hmacToken, NOW, NOW_MS, SECRET, signToken } from '../helpers/tokens';

const backends: JWTAuthenticationBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});

function revocableBackend(store: Store, clock: () => number = () => NOW_MS, extra: object = {}): JWTAuthenticationBackend {
  const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock, store, ...extra });
  backends.push(backend);
  return backend;
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with a store (%s)', (_name, expressFactory) => {
  describe('revoke(token)', () => {
    it('refuses the token afterwards with 401 invalid_token reason revoked, on a cache hit too, and the handler does not run', async () => {
      const backend = revocableBackend(memoryStore());
      await backend.ready();
      const token = signToken(claims({ jti: 'token-1' }));
      const before = buildApp({ expressFactory, backend });
      expect((await request(before.app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      await backend.revoke(token);
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      expectRejection(res, probe, invalidTokenRejection('revoked'));
    });

    it('leaves other tokens of the same subject alone', async () => {
      const backend = revocableBackend(memoryStore());
      await backend.ready();
      await backend.revoke(signToken(claims({ jti: 'token-1' })));
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ jti: 'token-2' }))}`);
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('is honoured by another backend sharing the store, through the change feed', async () => {
      const store = memoryStore();
      const one = revocableBackend(store);
      const other = revocableBackend(store);
      await Promise.all([one.ready(), other.ready()]);
      const token = signToken(claims({ jti: 'shared' }));
      await one.revoke(token);
      const { app, probe } = buildApp({ expressFactory, backend: other });
      await waitFor(async () => (await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status === 401, 1000);
      probe.handlerRan = false;
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      expectRejection(res, probe, invalidTokenRejection('revoked'));
    });

    it('is honoured by a backend started after it, which loads the store at start', async () => {
      const store = memoryStore();
      const token = signToken(claims({ jti: 'earlier' }));
      const first = revocableBackend(store);
      await first.revoke(token);
      const later = revocableBackend(store);
      await later.ready();
      const { app, probe } = buildApp({ expressFactory, backend: later });
      expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${token}`), probe, invalidTokenRejection('revoked'));
    });

    it('runs before isRevoked and retrieveUser, which a revoked token never reaches', async () => {
      const calls: string[] = [];
      const backend = revocableBackend(memoryStore(), () => NOW_MS, {
        isRevoked: () => { calls.push('isRevoked'); return false; },
        retrieveUser: () => { calls.push('retrieveUser'); return new SimpleUser('alice'); },
      });
      await backend.ready();
      const token = signToken(claims({ jti: 'hooks' }));
      await backend.revoke(token);
      const { app, probe } = buildApp({ expressFactory, backend });
      expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${token}`), probe, invalidTokenRejection('revoked'));
      expect(calls).toEqual([]);
    });
  });

  describe('revokeSubject(sub)', () => {
    it('refuses every token of the subject issued up to now, accepts those issued later and other subjects', async () => {
      let now = NOW_MS;
      const backend = revocableBackend(memoryStore(), () => now);
      await backend.ready();
      const old = signToken(claims({ sub: 'alice', jti: 'a1', iat: NOW - 60 }));
      const sameSecond = signToken(claims({ sub: 'alice', jti: 'a2', iat: NOW }));
      const noIat = hmacToken({ alg: 'HS256', typ: 'JWT' }, claims({ sub: 'alice', jti: 'a3', iat: undefined }));
      const bob = signToken(claims({ sub: 'bob', jti: 'b1', iat: NOW - 60 }));
      await backend.revokeSubject('alice');
      for (const token of [old, sameSecond, noIat]) {
        const { app, probe } = buildApp({ expressFactory, backend });
        expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${token}`), probe, invalidTokenRejection('revoked'));
      }
      now = NOW_MS + 1000;
      const fresh = signToken(claims({ sub: 'alice', jti: 'a4', iat: NOW + 1 }));
      for (const token of [fresh, bob]) {
        const { app } = buildApp({ expressFactory, backend });
        expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      }
    });
  });
});

describe('JWTAuthenticationBackend.revoke', () => {
  it('rejects a token that does not verify with its InvalidTokenError, and remembers nothing', async () => {
    const store = memoryStore();
    const backend = revocableBackend(store);
    await backend.ready();
    const forged = signToken(claims({ jti: 'forged' }), { key: 'another-secret-of-at-least-32-bytes!!' });
    await expect(backend.revoke(forged)).rejects.toMatchObject({ constructor: InvalidTokenError, reason: 'bad_signature' });
    const expired = signToken(claims({ jti: 'old', exp: NOW - 1 }));
    await expect(backend.revoke(expired)).rejects.toMatchObject({ reason: 'expired' });
    await expect(store.entries('revoked:')).resolves.toEqual([]);
  });

  it('rejects a token without jti with a TypeError that says what to do instead', async () => {
    const backend = revocableBackend(memoryStore());
    await expect(backend.revoke(signToken(claims()))).rejects.toThrow(/no "jti".*revokeSubject/);
  });

  it('revokes a bare jti until expiresAt, by default for maxTokenLifetime', async () => {
    const store = memoryStore();
    const backend = revocableBackend(store, () => NOW_MS, { revocation: { maxTokenLifetime: 900 } });
    await backend.ready();
    await backend.revoke('bare-1', { expiresAt: NOW + 60 });
    await backend.revoke('bare-2');
    const values = (await store.entries('revoked:jti:')).map(([, value]) => Number(value)).sort();
    expect(values).toEqual([NOW + 60, NOW + 900]);
    const { app, probe } = buildApp({ backend });
    expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ jti: 'bare-2' }))}`), probe, invalidTokenRejection('revoked'));
  });

  it('keeps a hostile 8 KB jti or sub to one fixed-size key each', async () => {
    const store = memoryStore();
    const backend = revocableBackend(store, () => NOW_MS, { maxTokenLength: 40_000 });
    await backend.ready();
    const huge = 'x'.repeat(8192);
    await backend.revoke(signToken(claims({ jti: huge, sub: huge })));
    await backend.revokeSubject(huge);
    const entries = await store.entries('revoked:');
    expect(entries).toHaveLength(2);
    for (const [key, value] of entries) {
      expect(key.length).toBeLessThan(64);
      expect(value.length).toBeLessThan(32);
    }
  });

  it('throws a TypeError on a backend without a store', () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET });
    expect(() => backend.revoke('x')).toThrow(/no "store"/);
    expect(() => backend.revokeSubject('alice')).toThrow(/no "store"/);
  });

  it.each([
    ['a store that is not a Store', { store: { get: () => undefined } }, /"store" must be a Store/],
    ['revocation without a store', { revocation: {} }, /"revocation" needs "store"/],
    ['an unknown revocation option', { store: memoryStore(), revocation: { maxStaleness: 1 } }, /unknown option "maxStaleness"/],
    ['a negative maxStalenessMs', { store: memoryStore(), revocation: { maxStalenessMs: -1 } }, /maxStalenessMs/],
    ['a failOpen that is not a boolean', { store: memoryStore(), revocation: { failOpen: 'yes' } }, /failOpen/],
  ])('refuses %s at construction with a TypeError', (_case, options, message) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, ...(options as object) })).toThrow(TypeError);
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, ...(options as object) })).toThrow(message);
  });
});

describe('JWTAuthenticationBackend.revoke when the store refuses the write', () => {
  it('rejects, refuses the token here at once, and writes it once the store has room again', async () => {
    let now = 0;
    const store = memoryStore({ maxEntries: 1, clock: () => now });
    await store.set('filler', 'x', 1000);
    const backend = revocableBackend(store);
    await backend.ready();
    const token = signToken(claims({ jti: 'when-full' }));
    await expect(backend.revoke(token)).rejects.toThrow(RangeError);
    const { app, probe } = buildApp({ backend });
    expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${token}`), probe, invalidTokenRejection('revoked'));
    now = 1000;
    await waitFor(async () => (await store.entries('revoked:jti:')).length === 1, 2000);
    const other = buildApp({ backend });
    expect((await request(other.app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ jti: 'fine' }))}`)).status).toBe(200);
  });
});
