import http from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { authenticated, type AuthenticatedRequest, AuthCredentials, authenticationMiddleware, type JWTUser, requires } from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { claims, signToken } from '../helpers/tokens';

const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;

describe.each(EXPRESS_VERSIONS)('how req.user and req.auth are stored, on %s', (_name, expressFactory) => {
  it('adds no own property to a request, anonymous or authenticated: user and auth are accessors of the app', async () => {
    const app = expressFactory();
    const seen: string[][] = [];
    app.use(authenticationMiddleware(jwtBackend()));
    app.get('/', (req, res) => {
      const ours = Object.getOwnPropertySymbols(req).map(String).filter((name) => name.includes('express-jwt-auth'));
      seen.push(ours.concat(Object.getOwnPropertyNames(req).filter((key) => key === 'user' || key === 'auth')));
      res.json({ auth: req.auth?.isAuthenticated ?? null });
    });
    expect((await request(app).get('/')).body).toEqual({ auth: false });
    expect((await request(app).get('/').set('Authorization', bearer())).body).toEqual({ auth: true });
    expect(seen).toEqual([[], []]);
  });

  it('keeps every request its own user and credentials, however they interleave', async () => {
    const app = expressFactory();
    app.use(authenticationMiddleware(jwtBackend()));
    app.get('/', (req, res) => {
      setTimeout(() => res.json({ sub: req.auth?.payload?.sub ?? null, user: (req.user as JWTUser | undefined)?.identity ?? null }), 5);
    });
    const subjects = Array.from({ length: 20 }, (_, index) => (index % 3 === 0 ? null : `user-${index}`));
    const answers = await Promise.all(subjects.map((sub) => (sub === null ? request(app).get('/') : request(app).get('/').set('Authorization', bearer({ sub })))));
    expect(answers.map((res) => res.body)).toEqual(subjects.map((sub) => ({ sub, user: sub })));
  });

  it('serves the guards of a mounted sub-app from the middleware of its parent, and the parent reads what the sub-app saw', async () => {
    const parent = expressFactory();
    const child = expressFactory();
    child.get('/me', authenticated((req: AuthenticatedRequest<JWTUser>, res) => res.json({ identity: req.user.identity })));
    child.get('/admin', requires('admin'), (_req, res) => res.end());
    parent.use(authenticationMiddleware(jwtBackend()));
    parent.use('/api', child);
    parent.use((req: Request, res: Response, _next: NextFunction) => res.status(404).json({ identity: (req.user as JWTUser | undefined)?.identity ?? null }));
    expect((await request(parent).get('/api/me').set('Authorization', bearer())).body).toEqual({ identity: 'user-1' });
    expect((await request(parent).get('/api/me')).status).toBe(401);
    expect((await request(parent).get('/api/admin').set('Authorization', bearer())).status).toBe(403);
    expect((await request(parent).get('/api/elsewhere').set('Authorization', bearer())).body).toEqual({ identity: 'user-1' });
  });

  it('serves a sub-app that has its own middleware, and a parent error handler still reads its credentials', async () => {
    const parent = expressFactory();
    const child = expressFactory();
    child.use(authenticationMiddleware(jwtBackend()));
    child.get('/fail', authenticated(() => {
      throw new Error('handler failed');
    }));
    parent.use('/api', child);
    parent.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ error: err.message, authenticated: req.auth?.isAuthenticated ?? null });
    });
    const res = await request(parent).get('/api/fail').set('Authorization', bearer());
    expect(res.body).toEqual({ error: 'handler failed', authenticated: true });
  });

  it('lets other code set req.user (as passport does), and reads it back, per request', async () => {
    const app = expressFactory();
    app.use((req, _res, next) => {
      if (req.headers['x-session'] !== undefined) req.user = { id: String(req.headers['x-session']) };
      next();
    });
    app.use(authenticationMiddleware(jwtBackend()));
    app.use((req, _res, next) => {
      if (req.headers['x-logout'] !== undefined) req.user = null as never;
      next();
    });
    app.get('/', (req, res) => res.json({ user: req.user ?? null }));
    expect((await request(app).get('/').set('x-session', 'a')).body).toEqual({ user: { id: 'a' } });
    expect((await request(app).get('/')).body).toEqual({ user: null });
    expect((await request(app).get('/').set('x-session', 'b').set('x-logout', '1')).body).toEqual({ user: null });
  });

  it('keeps app prototypes of two apps apart: a guard of an app without the middleware still says to install it', async () => {
    const withMiddleware = expressFactory();
    withMiddleware.use(authenticationMiddleware(jwtBackend()));
    withMiddleware.get('/', (_req, res) => res.end());
    await request(withMiddleware).get('/');
    const without = expressFactory();
    const errors: unknown[] = [];
    without.get('/', authenticated(), (_req, res) => res.end());
    without.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(err);
      res.status(500).end();
    });
    expect((await request(without).get('/')).status).toBe(500);
    expect(String(errors[0])).toMatch(/install app.use\(authenticationMiddleware\(backend\)\)/);
  });

  it('never changes Node\'s own IncomingMessage.prototype', async () => {
    const app = expressFactory();
    app.use(authenticationMiddleware(jwtBackend()));
    app.get('/', (_req, res) => res.end());
    await request(app).get('/').set('Authorization', bearer());
    expect(Object.getOwnPropertyNames(http.IncomingMessage.prototype)).not.toEqual(expect.arrayContaining(['user']));
    expect(Object.hasOwn(http.IncomingMessage.prototype, 'auth')).toBe(false);
  });
});

describe('on a plain http server, without an Express prototype', () => {
  it('falls back to own properties', async () => {
    const middleware = authenticationMiddleware(jwtBackend());
    const seen: unknown[] = [];
    const server = http.createServer((req, res) => {
      middleware(req as Request, res as Response, () => {
        seen.push(Object.hasOwn(req, 'auth'), (req as Request).auth === AuthCredentials.anonymous || (req as Request).auth?.isAuthenticated);
        res.end();
      });
    });
    await request(server).get('/');
    await request(server).get('/').set('Authorization', bearer());
    expect(seen).toEqual([true, true, true, true]);
  });
});
