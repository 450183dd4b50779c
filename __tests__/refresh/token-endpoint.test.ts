import request from 'supertest';
import { memoryStore, type Store } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { type ManualClock, manualClock } from '../helpers/manual-clock';
import { buildTokenApp, expectOAuth2Error, form, oauth2Backend, payloadOf } from '../oauth2/token-apps';
import { failingStore } from './failing-store';

const ADMIN = { grant_type: 'password', username: 'admin', password: 'admin-password' };
const CLIENT = { id: 'mobile-app', secret: 'mobile-secret' };
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe.each(EXPRESS_VERSIONS)('the token endpoint with refresh tokens, on %s', (_name, expressFactory) => {
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    clock = manualClock();
    store = memoryStore({ clock: clock.now });
  });

  function tokenApp(options: { confidential?: boolean; store?: Store } = {}): ReturnType<typeof buildTokenApp> {
    const backend = oauth2Backend({ clock: clock.now, store: options.store ?? store, expiresIn: 900, refreshTokens: { expiresIn: 3600, reuseInterval: 2 } });
    const verifyClient = (id: string, secret: string): boolean => id === CLIENT.id && secret === CLIENT.secret;
    return buildTokenApp({ expressFactory, backend, endpoint: options.confidential === true ? { verifyClient } : {} });
  }

  async function signIn(app: ReturnType<typeof buildTokenApp>['app'], auth?: string): Promise<{ access_token: string; refresh_token: string }> {
    const req = request(app).post('/token').type('form');
    if (auth !== undefined) void req.set('Authorization', auth);
    const res = await req.send(form(ADMIN));
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  }

  it('answers the password grant with a refresh_token beside the access token, never cached', async () => {
    const { app } = tokenApp();
    const res = await request(app).post('/token').type('form').send(form(ADMIN));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'read admin', refresh_token: expect.stringMatching(/^[\w-]{22}\.[\w-]{43}$/) });
    expect(payloadOf(res.body.access_token as string).sid).toBe((res.body.refresh_token as string).split('.')[0]);
  });

  it('rotates with grant_type=refresh_token in a form body, and again in a JSON body', async () => {
    const { app, probe } = tokenApp();
    const first = await signIn(app);
    const second = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(second.status).toBe(200);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'read admin', refresh_token: expect.any(String) });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    const third = await request(app).post('/token').send({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token as string });
    expect(third.status).toBe(200);
    const me = await request(app).get('/me').set('Authorization', `Bearer ${third.body.access_token as string}`);
    expect(me.status).toBe(200);
    expect(probe.handlerRan).toBe(true);
  });

  it('narrows the scope on request and refuses a wider one with invalid_scope', async () => {
    const { app, probe } = tokenApp();
    const first = await signIn(app);
    const narrow = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'read' }));
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('read');
    const wide = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: narrow.body.refresh_token as string, scope: 'read delete' }));
    expectOAuth2Error(wide, probe, { status: 400, error: 'invalid_scope', description: 'The requested scope is wider than the scope granted at sign-in.' });
  });

  describe('refuses, per RFC 6749 §5.2, never with a 5xx and never echoing the token', () => {
    const oversized = 'A'.repeat(300);
    const cases: [string, (token: string) => Record<string, string>, number, string][] = [
      ['an unknown token', (token) => ({ grant_type: 'refresh_token', refresh_token: `${token.split('.')[0]}.${'Z'.repeat(43)}` }), 400, 'invalid_grant'],
      ['a token of an unknown family', () => ({ grant_type: 'refresh_token', refresh_token: `${'Q'.repeat(22)}.${'Z'.repeat(43)}` }), 400, 'invalid_grant'],
      ['a malformed token', () => ({ grant_type: 'refresh_token', refresh_token: 'not a refresh token' }), 400, 'invalid_grant'],
      ['an access token in place of the refresh token', () => ({ grant_type: 'refresh_token', refresh_token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }), 400, 'invalid_grant'],
      ['an oversized token', () => ({ grant_type: 'refresh_token', refresh_token: oversized }), 400, 'invalid_request'],
      ['a missing refresh_token', () => ({ grant_type: 'refresh_token' }), 400, 'invalid_request'],
      ['a malformed scope', (token) => ({ grant_type: 'refresh_token', refresh_token: token, scope: 'read "admin"' }), 400, 'invalid_scope'],
    ];
    it.each(cases)('%s', async (_case, body, status, error) => {
      const { app, probe } = tokenApp();
      const first = await signIn(app);
      const sent = body(first.refresh_token);
      const res = await request(app).post('/token').type('form').send(form(sent));
      expectOAuth2Error(res, probe, { status, error });
      if (sent.refresh_token !== undefined) expect(res.text).not.toContain(sent.refresh_token);
      // None of these ends the family.
      const next = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      expect(next.status).toBe(200);
    });

    it('a repeated refresh_token parameter', async () => {
      const { app, probe } = tokenApp();
      const first = await signIn(app);
      const res = await request(app).post('/token').type('form').send(`grant_type=refresh_token&refresh_token=${first.refresh_token}&refresh_token=${first.refresh_token}`);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request' });
      expect(res.text).not.toContain(first.refresh_token);
    });

    it('a refresh_token that is not text in a JSON body', async () => {
      const { app, probe } = tokenApp();
      const res = await request(app).post('/token').send({ grant_type: 'refresh_token', refresh_token: 42 });
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request' });
    });

    it('an expired token', async () => {
      const { app, probe } = tokenApp();
      const first = await signIn(app);
      clock.advance(3_601_000);
      const res = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_grant', description: 'The refresh token is invalid, expired or revoked.' });
    });

    it('an already used token, which also ends the family and its access tokens', async () => {
      const { app, probe } = tokenApp();
      const first = await signIn(app);
      const second = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      clock.advance(5000);
      const res = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_grant' });
      const newest = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token as string }));
      expectOAuth2Error(newest, probe, { status: 400, error: 'invalid_grant' });
      const me = await request(app).get('/me').set('Authorization', `Bearer ${second.body.access_token as string}`);
      expect(me.status).toBe(401);
      expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(probe.handlerRan).toBe(false);
    });

    it('a wrong client secret, or no client authentication, on a confidential endpoint', async () => {
      const { app, probe } = tokenApp({ confidential: true });
      const first = await signIn(app, basic(CLIENT.id, CLIENT.secret));
      const params = form({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
      const wrong = await request(app).post('/token').type('form').set('Authorization', basic(CLIENT.id, 'guess')).send(params);
      expectOAuth2Error(wrong, probe, { status: 401, error: 'invalid_client', headers: { 'WWW-Authenticate': 'Basic realm="api"' } });
      const none = await request(app).post('/token').type('form').send(params);
      expectOAuth2Error(none, probe, { status: 401, error: 'invalid_client', headers: { 'WWW-Authenticate': 'Basic realm="api"' } });
      const right = await request(app).post('/token').type('form').set('Authorization', basic(CLIENT.id, CLIENT.secret)).send(params);
      expect(right.status).toBe(200);
    });

    it('any refresh while the store is away, with 503 temporarily_unavailable and Retry-After', async () => {
      const flaky = failingStore(memoryStore({ clock: clock.now }));
      const { app, probe } = tokenApp({ store: flaky });
      const first = await signIn(app);
      flaky.down = true;
      const res = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
      expectOAuth2Error(res, probe, { status: 503, error: 'temporarily_unavailable', headers: { 'Retry-After': '5' } });
      const login = await request(app).post('/token').type('form').send(form(ADMIN));
      expectOAuth2Error(login, probe, { status: 503, error: 'temporarily_unavailable' });
    });
  });

  it('answers grant_type=refresh_token with unsupported_grant_type on a backend without refresh tokens', async () => {
    const { app, probe } = buildTokenApp({ expressFactory });
    const res = await request(app).post('/token').type('form').send(form({ grant_type: 'refresh_token', refresh_token: `${'Q'.repeat(22)}.${'Z'.repeat(43)}` }));
    expectOAuth2Error(res, probe, { status: 400, error: 'unsupported_grant_type' });
  });
});
