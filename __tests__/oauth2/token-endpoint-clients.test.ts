import { createHash, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import type { ClientVerifier } from '../../lib/oauth2/token-endpoint-options';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildTokenApp, expectOAuth2Error, form, oauth2Backend } from './token-apps';

const ALICE = { grant_type: 'password', username: 'alice', password: 'alice-password' };
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Accepts the client `swagger-ui` with secret `s3cret: &+`, comparing in constant time. */
const verifyClient: ClientVerifier = (clientId, clientSecret) =>
  clientId === 'swagger-ui' && timingSafeEqual(digest(clientSecret), digest('s3cret: &+'));

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const INVALID_CLIENT = {
  status: 401,
  error: 'invalid_client',
  description: 'Client authentication failed.',
  headers: { 'WWW-Authenticate': 'Basic realm="api"' },
} as const;

describe.each(EXPRESS_VERSIONS)('OAuth2 token endpoint client authentication on %s', (_name, expressFactory) => {
  describe('with verifyClient', () => {
    it('accepts a client authenticated by HTTP Basic, with form-urlencoded id and secret (RFC 6749 §2.3.1)', async () => {
      const { app } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').set('Authorization', basic('swagger-ui', 's3cret: &+')).type('form').send(form(ALICE));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
    });

    it('accepts a client authenticated by client_id and client_secret in the body', async () => {
      const { app } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, client_id: 'swagger-ui', client_secret: 's3cret: &+' }));
      expect(res.status).toBe(200);
    });

    it('responds 401 invalid_client with a Basic challenge to a wrong secret', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').set('Authorization', basic('swagger-ui', 'wrong')).type('form').send(form(ALICE));
      expectOAuth2Error(res, probe, INVALID_CLIENT);
      expect(probe.verifyCalls).toEqual([]);
    });

    it('responds 401 invalid_client when the client does not authenticate at all', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expectOAuth2Error(res, probe, INVALID_CLIENT);
    });

    it.each([
      ['no credentials after Basic', 'Basic'],
      ['credentials that are not base64', 'Basic !!!'],
      ['credentials without a colon', `Basic ${Buffer.from('swagger-ui').toString('base64')}`],
      ['a broken percent escape', `Basic ${Buffer.from('swagger-ui:%zz').toString('base64')}`],
    ])('responds 401 invalid_client to a Basic header with %s', async (_case, header) => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').set('Authorization', header).type('form').send(form(ALICE));
      expectOAuth2Error(res, probe, INVALID_CLIENT);
    });

    it('uses the backend realm in the challenge', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, backend: oauth2Backend({ realm: 'shop' }), endpoint: { verifyClient } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expectOAuth2Error(res, probe, { ...INVALID_CLIENT, headers: { 'WWW-Authenticate': 'Basic realm="shop"' } });
    });

    it('responds 400 invalid_request to a client that uses Basic and the body at once (RFC 6749 §2.3)', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').set('Authorization', basic('swagger-ui', 's3cret: &+')).type('form')
        .send(form({ ...ALICE, client_id: 'swagger-ui', client_secret: 's3cret: &+' }));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'The client authenticates with more than one method.' });
    });

    it('authenticates the client before looking at the grant type', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient } });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, grant_type: 'client_credentials' }));
      expectOAuth2Error(res, probe, INVALID_CLIENT);
    });

    it('hands a TypeError to next(err) when verifyClient answers something else than a boolean', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyClient: () => 'yes' as never } });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, client_id: 'swagger-ui' }));
      expect(res.status).toBe(500);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
    });

    it('passes an empty secret for a client that sends only client_id', async () => {
      const seen: string[] = [];
      const { app } = buildTokenApp({ expressFactory, endpoint: { verifyClient: (id, secret) => { seen.push(`${id}|${secret}`); return true; } } });
      await request(app).post('/token').type('form').send(form({ ...ALICE, client_id: 'public-app' }));
      expect(seen).toEqual(['public-app|']);
    });
  });

  describe('without verifyClient', () => {
    it('ignores the empty Basic credentials Swagger UI sends by default', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').set('Authorization', 'Basic Og==').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });

    it('ignores client_id and client_secret in the body', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, client_id: 'x', client_secret: 'y' }));
      expect(res.status).toBe(200);
    });
  });
});
