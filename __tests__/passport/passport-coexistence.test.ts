import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import request from 'supertest';
import { authenticated, type AuthenticatedRequest, authenticationMiddleware, type AuthenticationMiddlewareOptions, type BaseUser, UnauthenticatedUser } from '../../lib';
import { PassportSessionBackend } from '../../lib/passport';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { claims, signToken } from '../helpers/tokens';

/** A passport account: nothing of BaseUser. */
interface Account {
  id: number;
  email: string;
  roles: string[];
}

const ACCOUNTS: readonly Account[] = [{ id: 7, email: 'carol@example.com', roles: ['staff'] }];

/** Where the passport session sits relative to authenticationMiddleware, or no session at all. */
type Order = 'session before' | 'session after' | 'no session';

interface PassportAppOptions {
  readonly order: Order;
  readonly middleware?: AuthenticationMiddlewareOptions;
  /** Ask the passport session adapter first. Default: false. */
  readonly adapter?: boolean;
}

/**
 * A real passport setup (passport-local, express-session) beside authenticationMiddleware:
 * `POST /login` signs in through passport, `GET /passport-only` is guarded the passport way
 * (`req.isAuthenticated()`), `GET /guarded` by `authenticated()`, and `GET /whoami` echoes what
 * each library says.
 */
function passportApp(expressFactory: typeof express, options: PassportAppOptions): Express {
  const passport = new Passport();
  passport.use(new LocalStrategy((username, password, done) => {
    const account = ACCOUNTS.find((candidate) => candidate.email === username);
    done(null, account !== undefined && password === 'carol-password' ? account : false);
  }));
  passport.serializeUser((user, done) => done(null, (user as Account).id));
  passport.deserializeUser((id: number, done) => done(null, ACCOUNTS.find((account) => account.id === id) ?? false));

  const backends = options.adapter === true
    ? [new PassportSessionBackend<Account>({ scopes: (account) => account.roles }), jwtBackend()]
    : jwtBackend();
  const authentication = authenticationMiddleware(backends, { exclude: ['/login'], ...options.middleware });
  const app = expressFactory();
  if (options.order !== 'no session') app.use(session({ secret: 'a test session secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  const chain: RequestHandler[] = options.order === 'session before'
    ? [passport.session(), authentication]
    : options.order === 'session after' ? [authentication, passport.session()] : [authentication];
  app.use(...chain);
  app.post('/login', express.urlencoded({ extended: false }), passport.authenticate('local', { session: options.order !== 'no session' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/passport-only', (req, res) => {
    if (!req.isAuthenticated()) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    res.json({ ok: true });
  });
  app.get('/guarded', authenticated((req: AuthenticatedRequest<object>, res) => {
    res.json({ user: req.user, scopes: req.auth.scopes });
  }));
  app.get('/staff', authenticated({ scopes: ['staff'] }, (req: AuthenticatedRequest<Account>, res) => {
    res.json({ email: req.user.email });
  }));
  app.get('/whoami', (req, res) => {
    res.json({
      hasUser: req.user !== undefined,
      user: req.user ?? null,
      passportSaysAuthenticated: req.isAuthenticated(),
      authSaysAuthenticated: req.auth?.isAuthenticated ?? null,
      scopes: req.auth?.scopes ?? null,
    });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status(500).json({ error: String(err) });
  };
  app.use(onError);
  return app;
}

async function signIn(app: Express): Promise<string> {
  const res = await request(app).post('/login').type('form').send({ username: 'carol@example.com', password: 'carol-password' });
  expect(res.status).toBe(200);
  const cookie = res.headers['set-cookie'] as unknown as string[] | undefined;
  expect(cookie).toBeDefined();
  return (cookie ?? [])[0].split(';')[0];
}

const bearer = (): string => `Bearer ${signToken(claims())}`;

describe.each(EXPRESS_VERSIONS)('authenticationMiddleware beside passport, on %s', (_name, expressFactory) => {
  describe('an anonymous request', () => {
    it.each<Order>(['session before', 'session after', 'no session'])('leaves req.user undefined, so a route guarded by req.isAuthenticated() answers 401 (%s)', async (order) => {
      const app = passportApp(expressFactory, { order });
      const res = await request(app).get('/passport-only');
      expect(res.status).toBe(401);
      const whoami = await request(app).get('/whoami');
      expect(whoami.body).toEqual({ hasUser: false, user: null, passportSaysAuthenticated: false, authSaysAuthenticated: false, scopes: [] });
    });

    it('sets the placeholder user only when anonymousUser asks for it, and then passport is fooled (why the option warns)', async () => {
      const app = passportApp(expressFactory, { order: 'no session', middleware: { anonymousUser: new UnauthenticatedUser() } });
      const whoami = await request(app).get('/whoami');
      expect(whoami.body).toMatchObject({ hasUser: true, passportSaysAuthenticated: true, authSaysAuthenticated: false });
      const guarded = await request(app).get('/guarded');
      expect(guarded.status).toBe(401);
    });
  });

  describe('a request with a valid bearer token', () => {
    it.each<Order>(['session before', 'session after', 'no session'])('makes req.isAuthenticated() true, with the token user (%s)', async (order) => {
      const app = passportApp(expressFactory, { order });
      const res = await request(app).get('/passport-only').set('Authorization', bearer());
      expect(res.status).toBe(200);
      const whoami = await request(app).get('/whoami').set('Authorization', bearer());
      expect(whoami.body).toMatchObject({ hasUser: true, user: { username: 'alice' }, passportSaysAuthenticated: true, authSaysAuthenticated: true });
    });
  });

  describe('a passport session before the middleware', () => {
    it('keeps the session user, which passport-guarded routes accept', async () => {
      const app = passportApp(expressFactory, { order: 'session before' });
      const cookie = await signIn(app);
      const whoami = await request(app).get('/whoami').set('Cookie', cookie);
      expect(whoami.body).toEqual({
        hasUser: true, user: ACCOUNTS[0], passportSaysAuthenticated: true, authSaysAuthenticated: false, scopes: [],
      });
      expect((await request(app).get('/passport-only').set('Cookie', cookie)).status).toBe(200);
    });

    it('is not accepted by authenticated() without the adapter: only req.auth counts', async () => {
      const app = passportApp(expressFactory, { order: 'session before' });
      const cookie = await signIn(app);
      const res = await request(app).get('/guarded').set('Cookie', cookie);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('is accepted by the guards through PassportSessionBackend, with the scopes it maps', async () => {
      const app = passportApp(expressFactory, { order: 'session before', adapter: true });
      const cookie = await signIn(app);
      const guarded = await request(app).get('/guarded').set('Cookie', cookie);
      expect(guarded.status).toBe(200);
      expect(guarded.body).toEqual({ user: ACCOUNTS[0], scopes: ['authenticated', 'staff'] });
      const staff = await request(app).get('/staff').set('Cookie', cookie);
      expect(staff.body).toEqual({ email: 'carol@example.com' });
    });

    it('with the adapter, still authenticates bearer tokens for requests without a session', async () => {
      const app = passportApp(expressFactory, { order: 'session before', adapter: true });
      const res = await request(app).get('/guarded').set('Authorization', bearer());
      expect(res.status).toBe(200);
      expect(res.body.scopes).toEqual(['authenticated', 'read']);
    });

    it('keeps the session user when the request also carries a valid bearer token', async () => {
      const app = passportApp(expressFactory, { order: 'session before' });
      const cookie = await signIn(app);
      const res = await request(app).get('/whoami').set('Cookie', cookie).set('Authorization', bearer());
      expect(res.body).toMatchObject({ user: ACCOUNTS[0], authSaysAuthenticated: true });
    });

    it('still refuses a bad bearer token beside a session', async () => {
      const app = passportApp(expressFactory, { order: 'session before' });
      const cookie = await signIn(app);
      const res = await request(app).get('/whoami').set('Cookie', cookie).set('Authorization', 'Bearer not.a.token');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });
  });

  describe('a passport session after the middleware', () => {
    it('does not refuse a request carrying both a session cookie and a valid bearer token', async () => {
      const app = passportApp(expressFactory, { order: 'session after' });
      const cookie = await signIn(app);
      const res = await request(app).get('/guarded').set('Cookie', cookie).set('Authorization', bearer());
      expect(res.status).toBe(200);
      expect(res.body.scopes).toEqual(['authenticated', 'read']);
    });

    it('leaves the session request anonymous for the guards, and signed in for passport', async () => {
      const app = passportApp(expressFactory, { order: 'session after' });
      const cookie = await signIn(app);
      expect((await request(app).get('/passport-only').set('Cookie', cookie)).status).toBe(200);
      expect((await request(app).get('/guarded').set('Cookie', cookie)).status).toBe(401);
    });
  });
});

describe('PassportSessionBackend', () => {
  it('answers null when passport identified nobody, or stored false for a user it could not deserialize', () => {
    const backend = new PassportSessionBackend();
    expect(backend.authenticate(Object.assign(Object.create(null) as object, {}) as never)).toBeNull();
    expect(backend.authenticate({ user: false } as never)).toBeNull();
    expect(backend.authenticate({ user: null } as never)).toBeNull();
  });

  it('answers the session user with authenticated credentials', () => {
    const user: BaseUser = { isAuthenticated: true, displayName: 'c', identity: 'c' };
    const result = new PassportSessionBackend().authenticate({ user } as never);
    expect(result?.user).toBe(user);
    expect(result?.credentials.isAuthenticated).toBe(true);
    expect(result?.credentials.scopes).toEqual(['authenticated']);
  });

  it.each([
    ['scopes that is not a function', { scopes: ['staff'] }, /"scopes" must be a function/],
    ['an unknown option', { scope: () => [] }, /unknown option "scope"/],
    ['options that are not an object', null, /"options" must be an object/],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(() => new PassportSessionBackend(options as never)).toThrow(message);
  });
});
