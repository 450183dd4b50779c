import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildTokenApp, expectOAuth2Error, form } from './token-apps';

const ALICE = { grant_type: 'password', username: 'alice', password: 'alice-password' };

/** Sends raw bytes to `POST /token`, in chunks and without Content-Length, over a real socket on 127.0.0.1. */
async function sendRaw(
  app: Express,
  chunks: readonly Buffer[],
  contentType = 'application/x-www-form-urlencoded',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/token', method: 'POST', headers: { 'Content-Type': contentType } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      // The server answers and closes before the whole body is written; that is the point.
      req.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err); });
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe.each(EXPRESS_VERSIONS)('OAuth2 token endpoint on %s, given bad input', (_name, expressFactory) => {
  describe('with the wrong method', () => {
    it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('responds 405 with Allow: POST and invalid_request to %s', async (method) => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app)[method.toLowerCase() as 'get'](`/token?${form(ALICE)}`);
      expectOAuth2Error(res, probe, {
        status: 405,
        error: 'invalid_request',
        description: 'The token endpoint accepts only POST requests.',
        headers: { Allow: 'POST' },
      });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('responds 405 with Allow: POST and no body to HEAD', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).head('/token');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(probe.verifyCalls).toEqual([]);
    });
  });

  describe('with a body the endpoint cannot read', () => {
    it.each([
      ['text/plain', form(ALICE)],
      ['multipart/form-data; boundary=x', '--x--'],
      ['application/x-www-form-urlencoded; charset=iso-8859-1', form(ALICE)],
    ])('responds 400 invalid_request to Content-Type %s', async (type, body) => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').set('Content-Type', type).send(body);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: expect.stringContaining('application/x-www-form-urlencoded') as never });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('responds 400 invalid_request to a body with no Content-Type', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').send(Buffer.from(form(ALICE)));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request' });
    });

    it('responds 400 invalid_request to a compressed body', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').set('Content-Encoding', 'gzip').send(form(ALICE));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request' });
    });

    it.each([
      ['JSON that does not parse', '{"grant_type":'],
      ['a JSON array', '["password"]'],
      ['JSON null', 'null'],
    ])('responds 400 invalid_request to %s', async (_case, body) => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').set('Content-Type', 'application/json').send(body);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'The request body cannot be parsed.' });
    });

    it('responds 400 invalid_request to a body that is not UTF-8', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const bytes = Buffer.concat([Buffer.from('grant_type=password&username='), Buffer.from([0xff, 0xfe]), Buffer.from('&password=x')]);
      const res = await sendRaw(app, [bytes]);
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: 'The request body cannot be parsed.' });
      expect(probe.verifyCalls).toEqual([]);
      expect(probe.appErrors).toEqual([]);
    });

    it('responds 400 invalid_request, naming the parameter, to a JSON value that is not text', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').send({ ...ALICE, password: ['a', 'b'] });
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'A parameter is not a single text value: "password".' });
    });
  });

  describe('with a huge body', () => {
    it('responds 413 invalid_request with Connection: close when Content-Length passes the limit', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(`${form(ALICE)}&padding=${'a'.repeat(9000)}`);
      expectOAuth2Error(res, probe, {
        status: 413,
        error: 'invalid_request',
        description: 'The request body is too large.',
        headers: { Connection: 'close' },
      });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('responds 413 to a chunked body once it passes the limit', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { maxBodyBytes: 1024 } });
      const chunks = Array.from({ length: 8 }, () => Buffer.from('a'.repeat(512)));
      const res = await sendRaw(app, chunks);
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe('close');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: 'The request body is too large.' });
      expect(probe.verifyCalls).toEqual([]);
      expect(probe.appErrors).toEqual([]);
    });

    it('reads a chunked body within the limit', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const text = form(ALICE);
      const res = await sendRaw(app, [Buffer.from(text.slice(0, 10)), Buffer.from(text.slice(10))]);
      expect(res.status).toBe(200);
    });
  });

  describe('with a missing or repeated parameter', () => {
    it.each(['grant_type', 'username', 'password'])('responds 400 invalid_request naming %s when it is missing', async (name) => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const fields: Record<string, string> = { ...ALICE };
      delete fields[name];
      const res = await request(app).post('/token').type('form').send(form(fields));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: `A required parameter is missing: "${name}".` });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('treats an empty password as missing (RFC 6749 §3.1)', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, password: '' }));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'A required parameter is missing: "password".' });
    });

    it.each(['grant_type', 'username', 'password', 'scope'])('responds 400 invalid_request naming %s when it is repeated (RFC 6749 §3.2)', async (name) => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(`${form({ ...ALICE, scope: 'read' })}&${name}=again`);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: `A parameter is included more than once: "${name}".` });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('refuses a repeated parameter even when one of its values is empty', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(`scope=&${form(ALICE)}&scope=read`);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request' });
    });

    it('responds 400 invalid_request to an empty body', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send('');
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'A required parameter is missing: "grant_type".' });
    });
  });

  describe('with another grant type', () => {
    it.each(['client_credentials', 'authorization_code', 'refresh_token', 'PASSWORD', 'urn:ietf:params:oauth:grant-type:jwt-bearer'])(
      'responds 400 unsupported_grant_type to %s, without echoing it',
      async (grantType) => {
        const { app, probe } = buildTokenApp({ expressFactory });
        const res = await request(app).post('/token').type('form').send(form({ ...ALICE, grant_type: grantType }));
        expectOAuth2Error(res, probe, {
          status: 400,
          error: 'unsupported_grant_type',
          description: 'The grant type is not supported by this endpoint; use "password".',
        });
        expect(probe.verifyCalls).toEqual([]);
      },
    );
  });

  describe('with wrong credentials', () => {
    it('answers a wrong password and an unknown user with the same invalid_grant response', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const wrong = await request(app).post('/token').type('form').send(form({ ...ALICE, password: 'nope' }));
      const unknown = await request(app).post('/token').type('form').send(form({ ...ALICE, username: 'mallory', password: 'nope' }));
      expectOAuth2Error(wrong, probe, { status: 400, error: 'invalid_grant', description: 'The username or password is incorrect.' });
      const comparable = (headers: IncomingHttpHeaders): IncomingHttpHeaders => ({ ...headers, date: undefined });
      expect(unknown.status).toBe(wrong.status);
      expect(comparable(unknown.headers)).toEqual(comparable(wrong.headers));
      expect(unknown.text).toBe(wrong.text);
      // Both go through verifyCredentials: the endpoint takes no shortcut for an unknown user.
      expect(probe.verifyCalls.map((call) => call.username)).toEqual(['alice', 'mallory']);
    });

    it('never echoes the username or the password it was sent', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, username: 'secret-user-name', password: 'secret-password-value' }));
      expect(res.text).not.toContain('secret-user-name');
      expect(res.text).not.toContain('secret-password-value');
      expect(JSON.stringify(res.headers)).not.toContain('secret-password-value');
    });
  });

  it('never answers 500 to any of the bad inputs above', async () => {
    const { app, probe } = buildTokenApp({ expressFactory });
    const attempts = [
      request(app).get('/token'),
      request(app).post('/token').set('Content-Type', 'text/plain').send('x'),
      request(app).post('/token').type('form').send('%%%'),
      request(app).post('/token').type('form').send('grant_type=password&grant_type=password'),
      request(app).post('/token').set('Content-Type', 'application/json').send('{"grant_type": 1}'),
      request(app).post('/token').type('form').send(`x=${'a'.repeat(10_000)}`),
      request(app).post('/token').type('form').send('grant_type=implicit'),
      request(app).post('/token').type('form').send(form({ ...ALICE, scope: 'a\tb' })),
    ];
    const statuses = (await Promise.all(attempts)).map((res) => res.status);
    expect(statuses).toEqual([405, 400, 400, 400, 400, 413, 400, 400]);
    expect(probe.appErrors).toEqual([]);
  });
});
