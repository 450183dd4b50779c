import { generateKeyPairSync } from 'node:crypto';
import { InvalidTokenError, KeyResolverTimeoutError, KeySetUnavailableError, type ResolvedKey } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { type JoseKey, joseKey, joseToken } from '../helpers/jose-keys';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { claims, SECRET } from '../helpers/tokens';
import request from 'supertest';
import { type ResolverApp, resolverApp, tenantOf } from './key-resolver-apps';

let keyA: JoseKey;
let keyB: JoseKey;
let ec: JoseKey;

beforeAll(async () => {
  [keyA, keyB, ec] = await Promise.all([joseKey('RS256', 'a-1'), joseKey('RS256', 'b-1'), joseKey('ES256', 'e-1')]);
});

/** The public key of each tenant, as the application's tenant table would hold it. */
const tenantKeys = (): Record<string, ResolvedKey> => ({ a: keyA.publicKey, b: keyB.publicKey });
const byTenant = (req: Parameters<Parameters<typeof resolverApp>[0]>[0]): ResolvedKey => tenantKeys()[tenantOf(req) ?? ''] ?? null;

function send(target: ResolverApp, token: string, tenant = 'a'): request.Test {
  target.probe.handlerRan = false;
  target.probe.appErrors.length = 0;
  return request(target.app).get('/probe').set('Authorization', `Bearer ${token}`).set('X-Tenant', tenant);
}

const tokenOf = (key: JoseKey, overrides: Record<string, unknown> = {}): Promise<string> => joseToken(key, { payload: claims(overrides) });

/** The message of the `cause` of the last authentication error answered. */
const lastCause = (target: ResolverApp): string => String((target.answered.at(-1)?.cause as Error | undefined)?.message);

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with keyResolver (%s)', (_version, expressFactory) => {
  describe('when the resolver finds each tenant\'s key from the request', () => {
    it('accepts each tenant\'s token at that tenant', async () => {
      const target = resolverApp(byTenant, {}, expressFactory);
      const res = await send(target, await tokenOf(keyA, { sub: 'alice' }), 'a');
      expect(res.status).toBe(200);
      expect(res.body.user.identity).toBe('alice');
      expect((await send(target, await tokenOf(keyB), 'b')).status).toBe(200);
      expect(target.calls).toEqual(['a', 'b']);
    });

    it('refuses one tenant\'s token at another tenant, even after it was accepted (and remembered) at its own', async () => {
      const target = resolverApp(byTenant, {}, expressFactory);
      const token = await tokenOf(keyA, { kid: 'same' });
      expect((await send(target, token, 'a')).status).toBe(200);
      expectInvalidToken(await send(target, token, 'b'), target.probe, 'bad_signature');
      expect((await send(target, token, 'a')).status).toBe(200);
    });

    it('asks the resolver once per cache key, and answers later tokens from the cache', async () => {
      const target = resolverApp(byTenant, {}, expressFactory);
      for (const sub of ['u1', 'u2', 'u3']) expect((await send(target, await tokenOf(keyA, { sub }), 'a')).status).toBe(200);
      expect(target.calls).toEqual(['a']);
    });

    it('asks the resolver on every request with keyResolution.cacheSize 0', async () => {
      const target = resolverApp(byTenant, { keyResolution: { cacheSize: 0 } }, expressFactory);
      for (const sub of ['u1', 'u2']) expect((await send(target, await tokenOf(keyA, { sub }), 'a')).status).toBe(200);
      expect(target.calls).toEqual(['a', 'a']);
    });

    it('shares one pending resolution among concurrent requests with the same cache key', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const target = resolverApp(async () => {
        await gate;
        return keyA.publicKey;
      }, {}, expressFactory);
      const tokens = await Promise.all(['u1', 'u2', 'u3', 'u4'].map((sub) => tokenOf(keyA, { sub })));
      const pending = tokens.map((token) => send(target, token, 'a').then((res) => res.status));
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      expect(await Promise.all(pending)).toEqual([200, 200, 200, 200]);
      expect(target.calls).toEqual(['a']);
    });

    it('passes the token header and the unverified payload, frozen, to the resolver', async () => {
      const seen: unknown[] = [];
      const target = resolverApp((_req, header, payload) => {
        seen.push(header.kid, payload.sub, Object.isFrozen(header), Object.isFrozen(payload));
        return keyA.publicKey;
      }, {}, expressFactory);
      expect((await send(target, await tokenOf(keyA, { sub: 'alice' }))).status).toBe(200);
      expect(seen).toEqual(['a-1', 'alice', true, true]);
    });

    it('accepts a public JWK from the resolver', async () => {
      const target = resolverApp(() => keyA.jwk as ResolvedKey, {}, expressFactory);
      expect((await send(target, await tokenOf(keyA))).status).toBe(200);
    });

    it('accepts an HMAC secret under HS256', async () => {
      const { signToken } = await import('../helpers/tokens');
      const target = resolverApp(() => SECRET, { algorithms: ['HS256'] }, expressFactory);
      expect((await send(target, signToken())).status).toBe(200);
    });
  });

  describe('when the token would be refused anyway', () => {
    it('refuses an algorithm outside the list without asking the resolver', async () => {
      const target = resolverApp(byTenant, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(ec)), target.probe, 'algorithm_not_allowed');
      expect(target.calls).toEqual([]);
    });

    it('refuses a malformed token without asking the resolver', async () => {
      const target = resolverApp(byTenant, {}, expressFactory);
      expectInvalidToken(await send(target, 'a.b.c'), target.probe, 'malformed');
      expect(target.calls).toEqual([]);
    });
  });

  describe('when the resolver answers no usable key', () => {
    it('responds 401 unknown_key when it returns null, with the cause for logs', async () => {
      const target = resolverApp(() => null, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(keyA)), target.probe, 'unknown_key');
      expect(lastCause(target)).toBe('keyResolver returned no key for this token.');
    });

    it('responds 401 unknown_key for an RSA key under 2048 bits', async () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
      const target = resolverApp(() => weak, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(keyA)), target.probe, 'unknown_key');
      expect(lastCause(target)).toMatch(/fits none of the allowed algorithms: RS256 needs an RSA key of at least 2048 bits/);
    });

    it('responds 401 unknown_key for an EC key under RS256', async () => {
      const target = resolverApp(() => ec.publicKey, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(keyA)), target.probe, 'unknown_key');
      expect(lastCause(target)).toMatch(/RS256 needs an RSA key, not ec/);
    });

    it('responds 401 unknown_key for a PEM public key given as an HMAC secret (the algorithm-confusion setting)', async () => {
      const pem = keyA.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const target = resolverApp(() => pem, { algorithms: ['HS256'] }, expressFactory);
      const { signToken } = await import('../helpers/tokens');
      expectInvalidToken(await send(target, signToken(claims(), { key: pem })), target.probe, 'unknown_key');
      expect(lastCause(target)).toMatch(/looks like a PEM key/);
    });

    it.each([[42], [['key']], [true]])('responds 401 unknown_key for %j', async (value) => {
      const target = resolverApp(() => value as unknown as ResolvedKey, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(keyA)), target.probe, 'unknown_key');
      expect(lastCause(target)).toMatch(/keyResolver returned/);
    });

    it('responds 401 unknown_key for a JWK that does not import, and never echoes the key', async () => {
      const target = resolverApp(() => ({ kty: 'RSA', n: 'secret-looking-n' }), {}, expressFactory);
      const res = await send(target, await tokenOf(keyA));
      expectInvalidToken(res, target.probe, 'unknown_key');
      expect(res.text).not.toContain('secret-looking-n');
    });

    it('does not remember a refusal: the next request asks again', async () => {
      const target = resolverApp(() => null, {}, expressFactory);
      await send(target, await tokenOf(keyA));
      await send(target, await tokenOf(keyA));
      expect(target.calls).toEqual(['a', 'a']);
    });
  });

  describe('when the resolver fails', () => {
    it('passes an error of its own to next(err): the application\'s error handler answers', async () => {
      const failure = new Error('tenant database down');
      const target = resolverApp(() => {
        throw failure;
      }, {}, expressFactory);
      const res = await send(target, await tokenOf(keyA));
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect(target.probe.appErrors).toEqual([failure]);
      expect(target.probe.handlerRan).toBe(false);
    });

    it('passes a rejected promise to next(err) too', async () => {
      const failure = new RangeError('bad tenant row');
      const target = resolverApp(() => Promise.reject(failure), {}, expressFactory);
      const res = await send(target, await tokenOf(keyA));
      expect(res.status).toBe(500);
      expect(target.probe.appErrors).toEqual([failure]);
    });

    it('answers with the AuthenticationError it throws', async () => {
      const target = resolverApp(() => {
        throw new InvalidTokenError('unknown_key');
      }, {}, expressFactory);
      expectInvalidToken(await send(target, await tokenOf(keyA)), target.probe, 'unknown_key');
    });

    it('answers 503 for a KeySetUnavailableError, then 503 without asking again during the cooldown, then asks again', async () => {
      let down = true;
      const target = resolverApp(() => {
        if (down) throw new KeySetUnavailableError({ retryAfterSec: 5 });
        return keyA.publicKey;
      }, {}, expressFactory);
      expectUnavailable(await send(target, await tokenOf(keyA)), target.probe, 5);
      target.clock.advance(2000);
      expectUnavailable(await send(target, await tokenOf(keyA, { sub: 'u2' })), target.probe, 3);
      expect(target.calls).toEqual(['a']);
      down = false;
      target.clock.advance(3000);
      expect((await send(target, await tokenOf(keyA))).status).toBe(200);
      expect(target.calls).toEqual(['a', 'a']);
    });

    it('answers 503 when the resolver does not settle within timeoutMs, with KeyResolverTimeoutError as the cause', async () => {
      const target = resolverApp(() => new Promise<ResolvedKey>(() => undefined), { keyResolution: { timeoutMs: 100 } }, expressFactory);
      expectUnavailable(await send(target, await tokenOf(keyA)), target.probe, 5);
      expect(target.answered.at(-1)?.cause).toBeInstanceOf(KeyResolverTimeoutError);
    });

    it('keeps other cache keys working while one tenant\'s resolution is down', async () => {
      const target = resolverApp((req) => {
        if (tenantOf(req) === 'b') throw new KeySetUnavailableError();
        return keyA.publicKey;
      }, {}, expressFactory);
      expectUnavailable(await send(target, await tokenOf(keyB), 'b'), target.probe);
      expect((await send(target, await tokenOf(keyA), 'a')).status).toBe(200);
    });
  });

  describe('when a remembered key grows old', () => {
    it('keeps using it while a background resolution fails (stale beats unavailable)', async () => {
      let down = false;
      const target = resolverApp(() => {
        if (down) throw new KeySetUnavailableError();
        return keyA.publicKey;
      }, { keyResolution: { maxAgeMs: 60_000 } }, expressFactory);
      expect((await send(target, await tokenOf(keyA))).status).toBe(200);
      down = true;
      target.clock.advance(60_000);
      expect((await send(target, await tokenOf(keyA, { sub: 'u2' }))).status).toBe(200);
      expect((await send(target, await tokenOf(keyA, { sub: 'u3' }))).status).toBe(200);
      // One background attempt, then the cooldown.
      expect(target.calls).toEqual(['a', 'a']);
    });

    it('drops it once the resolver withdraws the key', async () => {
      let withdrawn = false;
      const target = resolverApp(() => (withdrawn ? null : keyA.publicKey), { keyResolution: { maxAgeMs: 60_000 } }, expressFactory);
      expect((await send(target, await tokenOf(keyA))).status).toBe(200);
      withdrawn = true;
      target.clock.advance(60_000);
      // This request still has the key: the background answer only changes later ones.
      expect((await send(target, await tokenOf(keyA, { sub: 'u2' }))).status).toBe(200);
      expectInvalidToken(await send(target, await tokenOf(keyA, { sub: 'u3' })), target.probe, 'unknown_key');
    });
  });
});
