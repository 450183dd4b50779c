import type express from 'express';
import type { ErrorRequestHandler, Express, Request } from 'express';
import { Agent } from 'node:http';
import request from 'supertest';
import {
  anonymousAllowed, type IdentifiedRequest,
  AuthCredentials, type AuthenticationBackend, authenticationMiddleware, type AuthenticationMiddlewareOptions, type BaseUser,
  InvalidTokenError, JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, renderAuthenticationError, type TokenPayload,
} from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { expectNoUnhandledRejections } from '../helpers/process-errors';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';

// Errors from the application's own code (hooks, custom backends, onError) are the
// application's: they reach its error handler, the server keeps answering, and one request's
// failure never shows in another's user or credentials, however the requests interleave.

class AppUser implements BaseUser {
  readonly isAuthenticated = true;
  constructor(readonly identity: string) {}
  get displayName(): string {
    return `user ${this.identity}`;
  }
}

/** A value that `instanceof` cannot test: reading its prototype throws. */
function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const keepAlive = new Agent({ keepAlive: true, maxSockets: 32 });
const tokenFor = (sub: string): string => signToken(claims({ sub }));

/** A server whose handler echoes who it ran for; the error handler answers 500 and records. */
interface ServingApp extends LocalServer {
  readonly handled: string[];
  readonly appErrors: unknown[];
}

async function serve(expressFactory: typeof express, backend: AuthenticationBackend<Request> | AuthenticationBackend<Request>[], options?: AuthenticationMiddlewareOptions): Promise<ServingApp> {
  const handled: string[] = [];
  const appErrors: unknown[] = [];
  const app: Express = expressFactory();
  app.use(authenticationMiddleware(backend, options));
  app.get('/probe', anonymousAllowed((req: IdentifiedRequest, res) => {
    handled.push(req.user?.identity ?? '');
    // Read after a pause, so that a request's user would show another's if they were shared.
    setTimeout(() => res.json({ identity: req.user?.identity, sub: req.auth.payload?.sub ?? null, displayName: req.user?.displayName }), 1);
  }));
  const onAppError: ErrorRequestHandler = (err, _req, res, _next) => {
    appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  };
  app.use(onAppError);
  return { ...(await listenLocally(app)), handled, appErrors };
}

const get = (server: ServingApp, headers: Record<string, string> = {}): request.Test =>
  request(server.origin).get('/probe').agent(keepAlive).set(headers).timeout({ response: 3000, deadline: 5000 });

/** Sends one request per subject, all at once, each with its own token. */
const storm = (server: ServingApp, subjects: readonly string[]): Promise<request.Response[]> =>
  Promise.all(subjects.map((sub) => get(server, { Authorization: `Bearer ${tokenFor(sub)}` })));

/** user-0 … user-39, with a failing subject after every third. */
const SUBJECTS = Array.from({ length: 40 }, (_, index) => (index % 4 === 3 ? `fail-${index}` : `user-${index}`));

expectNoUnhandledRejections();

describe.each(EXPRESS_VERSIONS)('Errors from application code on %s', (_version, expressFactory) => {
  const servers: ServingApp[] = [];
  const start = async (...args: Parameters<typeof serve> extends [unknown, ...infer Rest] ? Rest : never): Promise<ServingApp> => {
    const server = await serve(expressFactory, ...args);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  function hookBackend(hooks: Pick<JWTAuthenticationBackendOptions<AppUser>, 'retrieveUser' | 'isRevoked'>): JWTAuthenticationBackend<AppUser> {
    return new JWTAuthenticationBackend<AppUser>({ secretKey: SECRET, clock: fixedClock, ...hooks });
  }

  /** Every answer belongs to its own request: the right user, or the application's 500. */
  function expectEachAnswerItsOwn(responses: readonly request.Response[], server: ServingApp): void {
    responses.forEach((res, index) => {
      const sub = SUBJECTS[index];
      if (sub.startsWith('fail-')) {
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: 'application_error' });
      } else {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ identity: sub, sub, displayName: `user ${sub}` });
      }
    });
    const failing = SUBJECTS.filter((sub) => sub.startsWith('fail-'));
    expect(server.handled.sort()).toEqual(SUBJECTS.filter((sub) => !sub.startsWith('fail-')).sort());
    expect((server.appErrors as Error[]).map((err) => err.message).sort()).toEqual(failing.map((sub) => `database down for ${sub}`).sort());
  }

  describe('when retrieveUser fails for some users while other requests are in flight', () => {
    it.each([
      ['rejects', async (payload: TokenPayload) => {
        await pause(Math.random() * 10);
        if (String(payload.sub).startsWith('fail-')) throw new Error(`database down for ${String(payload.sub)}`);
        return new AppUser(String(payload.sub));
      }],
      ['throws before awaiting', (payload: TokenPayload) => {
        if (String(payload.sub).startsWith('fail-')) throw new Error(`database down for ${String(payload.sub)}`);
        return pause(Math.random() * 10).then(() => new AppUser(String(payload.sub)));
      }],
    ])('gives every other request its own user when the hook %s, and the failing ones a 500', async (_case, retrieveUser) => {
      const server = await start(hookBackend({ retrieveUser }));
      expectEachAnswerItsOwn(await storm(server, SUBJECTS), server);
    });
  });

  describe('when isRevoked fails for some tokens while other requests are in flight', () => {
    it('gives every other request its own user, and the failing ones a 500', async () => {
      const isRevoked = async (payload: TokenPayload): Promise<boolean> => {
        await pause(Math.random() * 10);
        if (String(payload.sub).startsWith('fail-')) throw new Error(`database down for ${String(payload.sub)}`);
        return false;
      };
      const server = await start(hookBackend({ isRevoked, retrieveUser: (payload) => new AppUser(String(payload.sub)) }));
      expectEachAnswerItsOwn(await storm(server, SUBJECTS), server);
    });
  });

  describe('when a custom backend fails for some requests', () => {
    const failing: AuthenticationBackend = {
      async authenticate(req) {
        const sub = String(req.headers['x-user']);
        await pause(Math.random() * 10);
        if (sub.startsWith('fail-')) throw new Error(`database down for ${sub}`);
        return { user: new AppUser(sub), credentials: new AuthCredentials(['authenticated'], { token: sub, payload: { sub } }) };
      },
    };

    it('gives every other request its own user, and the failing ones a 500', async () => {
      const server = await start(failing);
      const responses = await Promise.all(SUBJECTS.map((sub) => get(server, { 'X-User': sub })));
      expectEachAnswerItsOwn(responses, server);
    });
  });

  describe('when application code fails with something that is not an Error', () => {
    const THROWN: readonly (readonly [string, unknown])[] = [
      // Falsy values make Express's next() carry on as if nothing failed; "route" and "router"
      // are its control words (skip to the next route, leave the router).
      ['undefined', undefined], ['null', null], ['the string "route"', 'route'], ['the string "router"', 'router'],
      // `instanceof` itself throws on a revoked Proxy: classified inside a promise handler, that
      // throw was an unhandled rejection, no answer, and the end of the process.
      ['a revoked Proxy', revokedProxy()],
    ];

    it.each(THROWN)('hands %s thrown by retrieveUser to the application error handler, and never runs the route as anonymous', async (_case, thrown) => {
      const server = await start(hookBackend({ retrieveUser: () => Promise.reject(thrown) }));
      const res = await get(server, { Authorization: `Bearer ${tokenFor('user-1')}` });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect(server.handled).toEqual([]);
      expect(server.appErrors).toHaveLength(1);
    });

    it.each(THROWN)('hands %s thrown by a custom backend to the application error handler', async (_case, thrown) => {
      const server = await start({ authenticate: () => { throw thrown; } });
      const res = await get(server);
      expect(res.status).toBe(500);
      expect(server.handled).toEqual([]);
      expect(server.appErrors).toHaveLength(1);
    });

    it.each(THROWN)('hands %s thrown by onError to the application error handler', async (_case, thrown) => {
      const server = await start(hookBackend({}), { onError: () => { throw thrown; } });
      const res = await get(server, { Authorization: 'Bearer not.a.token' });
      expect(res.status).toBe(500);
      expect(server.handled).toEqual([]);
      expect(server.appErrors).toHaveLength(1);
    });
  });

  describe('when onError fails for some requests while others are rejected normally', () => {
    it('renders every other rejection in full and gives the failing ones a 500', async () => {
      const onError: AuthenticationMiddlewareOptions['onError'] = async (err, req, res, next) => {
        await pause(Math.random() * 5);
        if (req.headers['x-break'] === 'yes') throw new Error('onError broke');
        renderAuthenticationError(err, req, res, next);
      };
      const server = await start(hookBackend({}), { onError });
      const responses = await Promise.all(Array.from({ length: 30 }, (_, index) =>
        get(server, { Authorization: 'Bearer not.a.token', 'X-Break': index % 3 === 0 ? 'yes' : 'no' })));
      responses.forEach((res, index) => {
        if (index % 3 === 0) expect(res.status).toBe(500);
        else expectRejection(res, { handlerRan: false, appErrors: [] }, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: invalidTokenChallenge('The access token is malformed.') });
      });
      expect(server.appErrors).toHaveLength(10);
      expect(server.handled).toEqual([]);
    });
  });

  describe('when a hook throws an AuthenticationError of its own', () => {
    it('answers it as an authentication error, not as the application\'s failure', async () => {
      const server = await start(hookBackend({ isRevoked: () => { throw new InvalidTokenError('revoked'); } }));
      const res = await get(server, { Authorization: `Bearer ${tokenFor('user-1')}` });
      expectRejection(res, { handlerRan: server.handled.length > 0, appErrors: server.appErrors }, {
        status: 401, error: 'invalid_token', reason: 'revoked', challenge: invalidTokenChallenge('The access token has been revoked.'),
      });
    });
  });

  describe('after every kind of failure', () => {
    it('keeps serving: the same server answers a genuine request, then a storm, correctly', async () => {
      let calls = 0;
      const server = await start(hookBackend({
        retrieveUser: async (payload) => {
          calls += 1;
          if (calls <= 20) throw new Error(`database down for call ${calls}`);
          return new AppUser(String(payload.sub));
        },
      }));
      const failures = await storm(server, Array.from({ length: 20 }, (_, index) => `user-${index}`));
      expect(failures.map((res) => res.status)).toEqual(Array(20).fill(500));
      const res = await get(server, { Authorization: `Bearer ${tokenFor('user-after')}` });
      expect(res.body).toEqual({ identity: 'user-after', sub: 'user-after', displayName: 'user user-after' });
      const later = await storm(server, ['a', 'b', 'c', 'd']);
      expect(later.map((one) => one.body.identity)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('answers an anonymous request as anonymous between failing ones', async () => {
      const server = await start([{ authenticate: (req) => (req.headers['x-fail'] === undefined ? null : Promise.reject(new Error('down'))) }, hookBackend({})]);
      const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => get(server, index % 2 === 0 ? { 'X-Fail': '1' } : {})));
      responses.forEach((res, index) => expect(res.status).toBe(index % 2 === 0 ? 500 : 200));
      expect(server.handled).toEqual(Array(10).fill(''));
    });
  });
});
