import request from 'supertest';
import { createDemoApp } from '../../demo-app/app';
import { fixedClock, SECRET } from '../helpers/tokens';

const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock: fixedClock, apiKey: 'test-api-key' });

async function sessionCookie(): Promise<string> {
  const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next: '/profile' });
  const setCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('token='));
  return String(setCookie).split(';')[0];
}

describe('demo app browser routes', () => {
  it('serves the login form', async () => {
    const res = await request(app).get('/login?next=/profile');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form method="post" action="/session">');
    expect(res.text).toContain('name="next" value="/profile"');
  });

  it('signs in with a 303 to next and an HttpOnly, SameSite=Lax cookie that lives as long as the token', async () => {
    const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^token=[\w-]+\.[\w-]+\.[\w-]+; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Max-Age=3600');
    expect(cookie).not.toContain('Secure');
  });

  it.each(['//evil.example/', 'https://evil.example/', '/\\evil.example'])('never redirects to another site through next=%s', async (next) => {
    const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next });
    expect(res.headers.location).toBe('/profile');
  });

  it('answers a wrong password with 401 and the form again, without a cookie', async () => {
    const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Unknown user or wrong password.');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('shows the profile to the cookie holder and redirects others to the login page', async () => {
    const cookie = await sessionCookie();
    const mine = await request(app).get('/profile').set('Cookie', cookie);
    expect(mine.text).toContain('Signed in as <strong>alice</strong>');
    const anonymous = await request(app).get('/profile');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fprofile');
  });

  it('escapes the note it echoes', async () => {
    const res = await request(app).post('/notes').set('Cookie', await sessionCookie()).set('Sec-Fetch-Site', 'same-origin')
      .type('form').send({ note: '<script>alert(1)</script>' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('refuses a cookie-authenticated note from another origin with 403 cross_site_request', async () => {
    const res = await request(app).post('/notes').set('Cookie', await sessionCookie()).set('Origin', 'http://evil.example')
      .type('form').send({ note: 'forged' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('cross_site_request');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('clears the cookie on logout and redirects to the login page', async () => {
    const res = await request(app).post('/logout').set('Cookie', await sessionCookie());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^token=; Max-Age=0; /);
  });

  it('logs out even with a stale cookie, because /logout is excluded', async () => {
    const res = await request(app).post('/logout').set('Cookie', 'token=stale');
    expect(res.status).toBe(303);
  });
});
