import { createSecretKey } from 'node:crypto';
import request from 'supertest';
import { type JWTAuthenticationBackend, memoryStore } from '../../lib';
import { DpopNonces } from '../../lib/jwt/dpop/nonce';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { boundToken, dpopBackend, dpopChallenge, dpopClient, dpopRequest, makeProof } from '../helpers/dpop';
import { expectRejection } from '../helpers/expectations';
import { manualClock } from '../helpers/manual-clock';
import { NOW_MS } from '../helpers/tokens';

const NONCE_SECRET = 'nonce-secret-0123456789abcdefghijklmnop';
const USE_NONCE = dpopChallenge('use_dpop_nonce', 'The DPoP proof must carry the nonce this server provides.');

describe('DpopNonces', () => {
  const secret = createSecretKey(Buffer.from(NONCE_SECRET));

  it('accepts its own nonce during its window and the next, and refuses it after', () => {
    const clock = manualClock(NOW_MS);
    const nonces = new DpopNonces(secret, 300, clock.now);
    const nonce = nonces.issue();
    expect(nonces.accepts(nonce)).toBe(true);
    clock.advance(300_000);
    expect(nonces.accepts(nonce)).toBe(true);
    clock.advance(300_000);
    expect(nonces.accepts(nonce)).toBe(false);
  });

  it('accepts the nonces of another instance with the same secret, and refuses those of another secret', () => {
    const one = new DpopNonces(secret, 300, () => NOW_MS);
    const other = new DpopNonces(createSecretKey(Buffer.from(NONCE_SECRET)), 300, () => NOW_MS);
    const stranger = new DpopNonces(createSecretKey(Buffer.from(`${NONCE_SECRET}!`)), 300, () => NOW_MS);
    expect(other.accepts(one.issue())).toBe(true);
    expect(stranger.accepts(one.issue())).toBe(false);
  });

  it('refuses a nonce from a future window, a forged MAC and values that are not nonces', () => {
    const clock = manualClock(NOW_MS);
    const nonces = new DpopNonces(secret, 300, clock.now);
    clock.advance(600_000);
    const future = nonces.issue();
    clock.advance(-600_000);
    expect(nonces.accepts(future)).toBe(false);
    const [window] = nonces.issue().split('.');
    expect(nonces.accepts(`${window}.${'A'.repeat(43)}`)).toBe(false);
    for (const value of [undefined, 42, '', 'abc', `${window}.`, `${window}.${'A'.repeat(44)}`]) expect(nonces.accepts(value)).toBe(false);
  });
});

describe.each(EXPRESS_VERSIONS)('DPoP server nonces (%s)', (_name, expressFactory) => {
  const backends: JWTAuthenticationBackend[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
  });

  async function nonceBackend(clock: () => number = () => NOW_MS): Promise<JWTAuthenticationBackend> {
    const backend = dpopBackend({ clock, dpopOptions: { nonce: { secret: NONCE_SECRET, lifetime: 60 } } }, memoryStore());
    backends.push(backend);
    await backend.ready();
    return backend;
  }

  it('answers a proof without a nonce with 401 use_dpop_nonce and a DPoP-Nonce header, then accepts the retry that carries it', async () => {
    const client = await dpopClient();
    const token = await boundToken(client.jkt);
    const backend = await nonceBackend();
    const { app, probe } = buildApp({ expressFactory, backend });
    const first = await dpopRequest(app, token, await makeProof(client, { accessToken: token }));
    expectRejection(first, probe, { status: 401, error: 'use_dpop_nonce', challenge: USE_NONCE });
    const nonce = first.headers['dpop-nonce'] as string;
    expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    const retry = await dpopRequest(app, token, await makeProof(client, { accessToken: token, nonce }));
    expect(retry.status).toBe(200);
    expect(probe.handlerRan).toBe(true);
  });

  it('accepts on one instance a nonce another instance with the same secret handed out (nothing is stored)', async () => {
    const client = await dpopClient();
    const token = await boundToken(client.jkt);
    const one = buildApp({ expressFactory, backend: await nonceBackend() });
    const other = buildApp({ expressFactory, backend: await nonceBackend() });
    const nonce = (await dpopRequest(one.app, token, await makeProof(client, { accessToken: token }))).headers['dpop-nonce'] as string;
    expect((await dpopRequest(other.app, token, await makeProof(client, { accessToken: token, nonce }))).status).toBe(200);
  });

  it('refuses a nonce past its two windows with a fresh one, and a made-up nonce likewise', async () => {
    const client = await dpopClient();
    const token = await boundToken(client.jkt, { exp: Math.floor(NOW_MS / 1000) + 7200 });
    const clock = manualClock(NOW_MS);
    const backend = await nonceBackend(clock.now);
    const { app, probe } = buildApp({ expressFactory, backend });
    const nonce = (await dpopRequest(app, token, await makeProof(client, { accessToken: token }))).headers['dpop-nonce'] as string;
    clock.advance(120_000);
    const iat = Math.floor(clock.now() / 1000);
    const stale = await dpopRequest(app, token, await makeProof(client, { accessToken: token, nonce, iat }));
    expectRejection(stale, probe, { status: 401, error: 'use_dpop_nonce', challenge: USE_NONCE });
    expect(stale.headers['dpop-nonce']).not.toBe(nonce);
    const madeUp = await dpopRequest(app, token, await makeProof(client, { accessToken: token, nonce: 'made-up', iat }));
    expectRejection(madeUp, probe, { status: 401, error: 'use_dpop_nonce', challenge: USE_NONCE });
  });

  it('checks the proof before the nonce: a proof for another URL gets invalid_dpop_proof, not a nonce', async () => {
    const client = await dpopClient();
    const token = await boundToken(client.jkt);
    const { app, probe } = buildApp({ expressFactory, backend: await nonceBackend() });
    const res = await dpopRequest(app, token, await makeProof(client, { accessToken: token, url: 'https://elsewhere.test/probe' }));
    expectRejection(res, probe, { status: 401, error: 'invalid_dpop_proof', reason: 'url_mismatch', challenge: dpopChallenge('invalid_dpop_proof', 'The DPoP proof was made for another URL.') });
    expect(res.headers['dpop-nonce']).toBeUndefined();
  });

  it('does not let a Bearer request of an \'allowed\' backend need a nonce', async () => {
    const { app } = buildApp({ expressFactory, backend: await nonceBackend() });
    expect((await request(app).get('/probe').set('Authorization', `Bearer ${await boundToken(undefined)}`)).status).toBe(200);
  });
});
