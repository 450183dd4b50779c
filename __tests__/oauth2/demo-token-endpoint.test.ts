import request from 'supertest';
import { NOW } from '../helpers/tokens';
import { buildDemoWithOpenApi } from '../openapi/demo-with-openapi';
import { form, payloadOf } from './token-apps';

const app = buildDemoWithOpenApi();

async function tokenFor(username: string, password: string, scope?: string): Promise<request.Response> {
  const fields: Record<string, string> = { grant_type: 'password', username, password, ...(scope === undefined ? {} : { scope }) };
  return request(app).post('/token').type('form').send(form(fields));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('demo app token endpoint', () => {
  it('issues alice a token with her scope, which the demo\'s API accepts', async () => {
    const res = await tokenFor('alice', 'alice-password');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read', refresh_token: expect.any(String) });
    expect(payloadOf(res.body.access_token)).toEqual({ username: 'alice', sub: 'alice', scope: 'read', iat: NOW, exp: NOW + 3600, jti: expect.any(String), sid: expect.any(String) });
    const me = await request(app).get('/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.body).toEqual({ username: 'alice', identity: 'alice', scopes: ['authenticated', 'read'] });
    const admin = await request(app).get('/admin').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(admin.status).toBe(403);
  });

  it('gives admin only the scope asked for', async () => {
    const res = await tokenFor('admin', 'admin-password', 'admin');
    expect(res.body.scope).toBe('admin');
    const admin = await request(app).get('/admin').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(admin.status).toBe(200);
  });

  it('refuses alice the admin scope with invalid_scope', async () => {
    const res = await tokenFor('alice', 'alice-password', 'admin');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('revokes a token from the token endpoint through POST /revoke', async () => {
    const token = (await tokenFor('alice', 'alice-password')).body.access_token as string;
    expect((await request(app).post('/revoke').set('Authorization', `Bearer ${token}`)).status).toBe(204);
    const me = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(401);
    expect(me.body.reason).toBe('revoked');
  });

  it('answers GET /token with 405 and Allow: POST', async () => {
    const res = await request(app).get('/token');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await tokenFor('alice', 'wrong-password');
    const unknown = await tokenFor('mallory', 'wrong-password');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'The username or password is incorrect.' });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    expect({ ...unknown.headers, date: undefined }).toEqual({ ...wrong.headers, date: undefined });
  });

  it('takes as long for an unknown user as for a wrong password (both run scrypt)', async () => {
    const timings: Record<'wrong' | 'unknown', number[]> = { wrong: [], unknown: [] };
    // Interleaved, so that a slow moment of the machine hits both alike.
    for (let round = 0; round < 7; round++) {
      for (const kind of ['wrong', 'unknown'] as const) {
        const started = process.hrtime.bigint();
        await tokenFor(kind === 'wrong' ? 'alice' : 'mallory', 'wrong-password');
        timings[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    // A shortcut for unknown users would make them ~100 times faster than an scrypt run.
    const ratio = median(timings.unknown) / median(timings.wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
