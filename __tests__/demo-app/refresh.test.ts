import request from 'supertest';
import { createDemoApp, demoReady } from '../../demo-app/app';
import { memoryStore } from '../../lib';
import { setCookieNamed } from '../helpers/cookies';
import { manualClock } from '../helpers/manual-clock';
import { SECRET } from '../helpers/tokens';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe('demo app refresh tokens', () => {
  const clock = manualClock();
  const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock: clock.now, store: memoryStore({ clock: clock.now }), apiKey: 'test-api-key' });
  beforeAll(() => demoReady(app));

  async function token(fields: Record<string, string>): Promise<request.Response> {
    return request(app).post('/token').type('form').send(form(fields));
  }

  it('issues a refresh_token from POST /token and rotates it with grant_type=refresh_token', async () => {
    const first = await token({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', scope: 'read', refresh_token: expect.any(String) });
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await request(app).get('/me').set('Authorization', `Bearer ${second.body.access_token as string}`)).status).toBe(200);
  });

  it('ends the sign-in when a stolen, already rotated refresh token is used again', async () => {
    const first = await token({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    const legitimate = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    clock.advance(5000);
    const stolen = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
    expect((await token({ grant_type: 'refresh_token', refresh_token: legitimate.body.refresh_token as string })).status).toBe(400);
    const me = await request(app).get('/me').set('Authorization', `Bearer ${legitimate.body.access_token as string}`);
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ error: 'invalid_token', reason: 'revoked' });
  });

  it('gives the browser login a refresh cookie for /auth, which POST /auth/refresh rotates and logout ends', async () => {
    const login = await request(app).post('/session').set('Sec-Fetch-Site', 'same-origin').type('form').send(form({ username: 'alice', password: 'alice-password' }));
    expect(login.status).toBe(303);
    const refresh = setCookieNamed(login, 'refresh_token');
    expect(refresh.attributes).toMatchObject({ path: '/auth', httponly: true, samesite: 'Strict' });
    const rotated = await request(app).post('/auth/refresh').set('Sec-Fetch-Site', 'same-origin').set('Cookie', `refresh_token=${refresh.value}`);
    expect(rotated.status).toBe(200);
    const session = setCookieNamed(rotated, 'token').value;
    const profile = await request(app).get('/profile').set('Cookie', `token=${session}`);
    expect(profile.text).toContain('src="/silent-refresh.js"');
    const logout = await request(app).post('/logout').set('Sec-Fetch-Site', 'same-origin').set('Cookie', `token=${session}`);
    expect(logout.status).toBe(303);
    const after = await request(app).post('/auth/refresh').set('Sec-Fetch-Site', 'same-origin').set('Cookie', `refresh_token=${setCookieNamed(rotated, 'refresh_token').value}`);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });
});
