import https from 'node:https';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend, type Probe } from '../helpers/apps';
import { boundToken } from '../helpers/dpop';
import { CLIENT_A, CLIENT_B, certificateThumbprint, httpsGet } from '../helpers/client-certificates';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { TLS_CERT, TLS_KEY } from '../helpers/tls';

const X5T_A = certificateThumbprint(CLIENT_A.cert);

/** An HTTPS server on 127.0.0.1 that asks for a client certificate (any: the token's binding decides). */
async function mtlsServer(options: Partial<JWTAuthenticationBackendOptions>, expressFactory: (typeof EXPRESS_VERSIONS)[number][1]): Promise<{ origin: string; probe: Probe; close: () => Promise<void> }> {
  const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(options) });
  const server = https.createServer({ key: TLS_KEY, cert: TLS_CERT, requestCert: true, rejectUnauthorized: false }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
  return { origin: `https://127.0.0.1:${port}`, probe, close };
}

const MISMATCH = invalidTokenRejection('binding_mismatch');

describe.each(EXPRESS_VERSIONS)('mTLS-bound tokens, RFC 8705 (%s)', (_name, expressFactory) => {
  describe('over a TLS connection with client certificates', () => {
    let server: Awaited<ReturnType<typeof mtlsServer>>;
    beforeAll(async () => {
      server = await mtlsServer({}, expressFactory);
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(() => {
      server.probe.handlerRan = false;
    });

    it('accepts a token bound to the certificate the connection presents', async () => {
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': X5T_A } });
      const res = await httpsGet(`${server.origin}/probe`, { Authorization: `Bearer ${token}` }, CLIENT_A);
      expect(res.status).toBe(200);
      expect(server.probe.handlerRan).toBe(true);
    });

    it('refuses it over a connection presenting another certificate, with 401 invalid_token reason binding_mismatch', async () => {
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': X5T_A } });
      const res = await httpsGet(`${server.origin}/probe`, { Authorization: `Bearer ${token}` }, CLIENT_B);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(MISMATCH.challenge);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token', reason: 'binding_mismatch' });
      expect(server.probe.handlerRan).toBe(false);
    });

    it('refuses it over a connection presenting no certificate', async () => {
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': X5T_A } });
      const res = await httpsGet(`${server.origin}/probe`, { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token', reason: 'binding_mismatch' });
      expect(server.probe.handlerRan).toBe(false);
    });

    it('ignores a certificate header when none is configured, even with a certificate on the connection', async () => {
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': certificateThumbprint(CLIENT_B.cert) } });
      const der = new (await import('node:crypto')).X509Certificate(CLIENT_B.cert).raw.toString('base64');
      const res = await httpsGet(`${server.origin}/probe`, { Authorization: `Bearer ${token}`, 'Client-Cert': `:${der}:` }, CLIENT_A);
      expect(res.status).toBe(401);
      expect(server.probe.handlerRan).toBe(false);
    });

    it('accepts a token without cnf from any connection, as before', async () => {
      const res = await httpsGet(`${server.origin}/probe`, { Authorization: `Bearer ${await boundToken(undefined)}` });
      expect(res.status).toBe(200);
    });
  });

  describe('behind a TLS-terminating proxy that passes the certificate in a header (mtls.certificateHeader)', () => {
    const backendOptions = { mtls: { certificateHeader: 'Client-Cert' } };
    const derBase64 = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');

    it.each([
      ['an RFC 9440 byte sequence', `:${derBase64(CLIENT_A.cert)}:`],
      ['plain base64 DER', derBase64(CLIENT_A.cert)],
      ['a URL-encoded PEM (nginx $ssl_client_escaped_cert)', encodeURIComponent(CLIENT_A.cert)],
    ])('accepts the bound token with the certificate as %s', async (_form, value) => {
      const { app } = buildApp({ expressFactory, backend: jwtBackend(backendOptions) });
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': X5T_A } });
      expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`).set('Client-Cert', value)).status).toBe(200);
    });

    it.each([
      ['another certificate', `:${derBase64(CLIENT_B.cert)}:`],
      ['garbage', ':not base64!:'],
      ['no certificate', undefined],
    ])('refuses it with %s in the header', async (_case, value) => {
      const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(backendOptions) });
      const token = await boundToken(undefined, { cnf: { 'x5t#S256': X5T_A } });
      const req = request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      const res = await (value === undefined ? req : req.set('Client-Cert', value));
      expectRejection(res, probe, MISMATCH);
    });

    it('refuses a cnf that is not an object with 401 invalid_token reason malformed', async () => {
      const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(backendOptions) });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${await boundToken(undefined, { cnf: 'x' })}`);
      expectRejection(res, probe, invalidTokenRejection('malformed'));
    });
  });
});
