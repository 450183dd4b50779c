import express from 'express';
import request from 'supertest';
import { authenticated, authenticationMiddleware, type JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import {
  bearerChallenge,
  boundToken,
  dpopBackend,
  dpopChallenge,
  dpopClient,
  dpopRequest,
  makeProof,
  PUBLIC_ORIGIN,
} from '../helpers/dpop';
import { expectRejection } from '../helpers/expectations';
import { listenLocally } from '../helpers/local-server';
import { NOW } from '../helpers/tokens';

const ALGS = 'algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"';
const backends: JWTAuthenticationBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});

async function readyBackend(options: Partial<JWTAuthenticationBackendOptions> = {}): Promise<JWTAuthenticationBackend> {
  const backend = dpopBackend(options);
  backends.push(backend);
  await backend.ready();
  return backend;
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with dpop (%s)', (_name, expressFactory) => {
  describe('with dpop: \'allowed\'', () => {
    it('accepts a DPoP-bound token with a fresh proof made by jose, and exposes its claims', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend() });
      const res = await dpopRequest(app, token, await makeProof(client, { accessToken: token }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
      expect(res.body).toMatchObject({ user: { identity: 'user-1' }, payload: { cnf: { jkt: client.jkt } } });
    });

    it.each(['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const)('accepts proofs signed with %s', async (alg) => {
      const client = await dpopClient(alg);
      const token = await boundToken(client.jkt);
      const { app } = buildApp({ expressFactory, backend: await readyBackend() });
      expect((await dpopRequest(app, token, await makeProof(client, { accessToken: token }))).status).toBe(200);
    });

    it('asks a fresh proof of every request, even when the token comes from the cache', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const backend = await readyBackend();
      expect((await dpopRequest(buildApp({ expressFactory, backend }).app, token, await makeProof(client, { accessToken: token }))).status).toBe(200);
      expect((await dpopRequest(buildApp({ expressFactory, backend }).app, token, await makeProof(client, { accessToken: token }))).status).toBe(200);
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await dpopRequest(app, token, undefined);
      expectRejection(res, probe, { status: 401, error: 'invalid_dpop_proof', reason: 'missing', challenge: dpopChallenge('invalid_dpop_proof', 'The request names the DPoP scheme but carries no DPoP proof.') });
    });

    it('ignores the query of the request and of the htu, and accepts an htu spelt with another case and the default port', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const { app } = buildApp({ expressFactory, backend: await readyBackend() });
      const proof = await makeProof(client, { accessToken: token, url: 'HTTPS://API.Example.TEST:443/probe?x=1' });
      const res = await request(app).get('/probe?page=2').set('Authorization', `DPoP ${token}`).set('DPoP', proof);
      expect(res.status).toBe(200);
    });

    it('accepts a plain Bearer token, with both challenges on the guards\' 401', async () => {
      const backend = await readyBackend();
      const accepted = buildApp({ expressFactory, backend });
      expect((await request(accepted.app).get('/probe').set('Authorization', `Bearer ${await boundToken(undefined)}`)).status).toBe(200);
      const { app, probe } = buildApp({ expressFactory, backend, guards: [authenticated()] });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(`Bearer realm="api", DPoP realm="api", ${ALGS}`);
      expect(probe.handlerRan).toBe(false);
    });

    it('refuses a DPoP-bound token presented as a Bearer token (no downgrade) with 401 invalid_token reason dpop_required', async () => {
      const client = await dpopClient();
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend() });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${await boundToken(client.jkt)}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'dpop_required', challenge: bearerChallenge('invalid_token', 'The access token must be presented with a DPoP proof.') });
    });

    it('refuses a token without cnf.jkt presented with the DPoP scheme, with the DPoP challenge', async () => {
      const client = await dpopClient();
      const token = await boundToken(undefined);
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend() });
      const res = await dpopRequest(app, token, await makeProof(client, { accessToken: token }));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'missing_claim', challenge: dpopChallenge('invalid_token', 'The access token lacks a required claim.') });
    });

    it('answers an expired DPoP token with invalid_token in the DPoP challenge', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt, { exp: NOW - 10 });
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend() });
      const res = await dpopRequest(app, token, await makeProof(client, { accessToken: token }));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'expired', challenge: dpopChallenge('invalid_token', 'The access token has expired.') });
    });

    it('answers `Authorization: DPoP` without a token with 400 invalid_request in the DPoP challenge', async () => {
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend() });
      const res = await request(app).get('/probe').set('Authorization', 'DPoP');
      expectRejection(res, probe, { status: 400, error: 'invalid_request', reason: 'missing_token', challenge: dpopChallenge('invalid_request', 'The Authorization header names the scheme but carries no token.') });
    });

    it('checks the htu against the path where a router is mounted (originalUrl)', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const app = expressFactory();
      const router = express.Router();
      router.use(authenticationMiddleware(await readyBackend()));
      router.get('/items', (_req, res) => { res.json({ ok: true }); });
      app.use('/api', router);
      const proof = await makeProof(client, { accessToken: token, url: `${PUBLIC_ORIGIN}/api/items` });
      expect((await request(app).get('/api/items').set('Authorization', `DPoP ${token}`).set('DPoP', proof)).status).toBe(200);
    });

    it('without publicBaseUrl, matches the htu against the connection and the Host header', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const backend = dpopBackend({ dpopOptions: { publicBaseUrl: undefined } });
      backends.push(backend);
      await backend.ready();
      const { app } = buildApp({ expressFactory, backend });
      const server = await listenLocally(app);
      try {
        const proof = await makeProof(client, { accessToken: token, url: `${server.origin}/probe` });
        const res = await fetch(`${server.origin}/probe`, { headers: { Authorization: `DPoP ${token}`, DPoP: proof } });
        expect(res.status).toBe(200);
        const other = await makeProof(client, { accessToken: token, url: 'http://127.0.0.1:1/probe' });
        const refused = await fetch(`${server.origin}/probe`, { headers: { Authorization: `DPoP ${token}`, DPoP: other } });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: 'invalid_dpop_proof', reason: 'url_mismatch' });
      } finally {
        await server.close();
      }
    });
  });

  describe('with dpop: \'required\'', () => {
    it('refuses a plain Bearer token with 401 invalid_token reason dpop_required and the DPoP challenge alone', async () => {
      const { app, probe } = buildApp({ expressFactory, backend: await readyBackend({ dpop: 'required' }) });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${await boundToken(undefined)}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'dpop_required', challenge: dpopChallenge('invalid_token', 'The access token must be presented with a DPoP proof.', 'required') });
    });

    it('accepts a DPoP-bound token with its proof, and challenges with DPoP alone', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const backend = await readyBackend({ dpop: 'required' });
      expect((await dpopRequest(buildApp({ expressFactory, backend }).app, token, await makeProof(client, { accessToken: token }))).status).toBe(200);
      const { app } = buildApp({ expressFactory, backend, guards: [authenticated()] });
      expect((await request(app).get('/probe')).headers['www-authenticate']).toBe(`DPoP realm="api", ${ALGS}`);
    });

    it('lists only the configured algorithms in the challenge', async () => {
      const backend = await readyBackend({ dpop: 'required', dpopOptions: { algorithms: ['ES256', 'EdDSA'] } });
      const { app } = buildApp({ expressFactory, backend, guards: [authenticated()] });
      expect((await request(app).get('/probe')).headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256 EdDSA"');
    });
  });

  describe('without the dpop option', () => {
    it('still refuses a DPoP-bound token presented as a Bearer token, and leaves the challenge as it was', async () => {
      const client = await dpopClient();
      const { app, probe } = buildApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${await boundToken(client.jkt)}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'dpop_required', challenge: 'Bearer realm="api", error="invalid_token", error_description="The access token must be presented with a DPoP proof."' });
    });

    it('treats the DPoP scheme as another scheme (anonymous)', async () => {
      const client = await dpopClient();
      const token = await boundToken(client.jkt);
      const { app } = buildApp({ expressFactory });
      const res = await dpopRequest(app, token, await makeProof(client, { accessToken: token }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: null });
    });
  });
});
