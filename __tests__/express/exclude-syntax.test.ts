import type express from 'express';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { authenticationMiddleware, type AuthenticationMiddlewareOptions } from '../../lib';
import { compileExclusions } from '../../lib/express/exclusions';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { buildProbeApp } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';

const BAD = 'Bearer not-a-jwt';
const MALFORMED = invalidTokenChallenge('The access token is malformed.');
const [[, express5], [, express4]] = EXPRESS_VERSIONS;

// Each major's own syntax for the same two ideas, and the other major's.
const MAJORS = [
  { name: 'Express 5', factory: express5, wildcard: '/docs/*rest', optional: '/files{/:name}', foreign: ['/docs/*', '/files/:name?', '/:id(\\d+)'] },
  { name: 'Express 4', factory: express4, wildcard: '/docs/*', optional: '/files/:name?', foreign: ['/docs/*rest', '/files{/:name}', '/:"quoted"'] },
] as const;

function appExcluding(factory: typeof express, middleware: AuthenticationMiddlewareOptions) {
  return buildProbeApp({ expressFactory: factory, backend: jwtBackend(), middleware });
}

async function expectExcluded(factory: typeof express, exclude: string[], path: string): Promise<void> {
  const { app, probe } = appExcluding(factory, { exclude });
  const res = await request(app).get(path).set('Authorization', BAD);
  // The malformed token was never read: the request reached the handler with no scopes.
  expect(res.status).toBe(200);
  expect(res.body.scopes).toEqual([]);
  expect(probe.handlerRan).toBe(true);
}

async function expectAuthenticated(factory: typeof express, exclude: string[], path: string): Promise<void> {
  const { app, probe } = appExcluding(factory, { exclude });
  const res = await request(app).get(path).set('Authorization', BAD);
  expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
}

describe.each(MAJORS)('exclude in $name path syntax, on $name', ({ name, factory, wildcard, optional }) => {
  it.each(['/docs/intro', '/docs/a/b/c', '/DOCS/x'])(`excludes %s with '${wildcard}'`, async (path) => {
    await expectExcluded(factory, [wildcard], path);
  });

  it.each(['/docs', '/docsify', '/api/docs/x'])(`does not exclude %s with '${wildcard}'`, async (path) => {
    await expectAuthenticated(factory, [wildcard], path);
  });

  it.each(['/files', '/files/', '/files/report.pdf', '/FILES/x'])(`excludes %s with '${optional}'`, async (path) => {
    await expectExcluded(factory, [optional], path);
  });

  it.each(['/files/a/b', '/filesx', '/files-old/x'])(`does not exclude %s with '${optional}'`, async (path) => {
    await expectAuthenticated(factory, [optional], path);
  });

  it(`builds the middleware with ${name} syntax without throwing`, () => {
    expect(() => authenticationMiddleware(jwtBackend(), { exclude: [wildcard, optional] })).not.toThrow();
  });
});

describe.each(MAJORS)('exclude in the other major\'s path syntax, on $name', ({ name, factory, foreign }) => {
  it.each(foreign)(`answers every request with the application's error, a TypeError naming ${name}, for '%s', and never skips authentication`, async (pattern) => {
    const { app, probe } = appExcluding(factory, { exclude: [pattern] });
    for (const path of ['/docs/interest', '/files/x', '/42', '/profile']) {
      probe.appErrors.length = 0;
      const res = await request(app).get(path).set('Authorization', BAD);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect(probe.handlerRan).toBe(false);
      expect(probe.appErrors).toHaveLength(1);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
      expect((probe.appErrors[0] as TypeError).message).toBe(
        `authenticationMiddleware: "exclude" pattern ${JSON.stringify(pattern)} is not valid path syntax for ${name}, which serves this app; write it in ${name}'s (${name === 'Express 5' ? '"/docs/*rest", "/files{/:name}"' : '"/docs/*", "/files/:name?"'}) syntax.`,
      );
    }
  });

  it('still lets OPTIONS through by excludeMethods, which needs no path syntax', async () => {
    const { app, probe } = appExcluding(factory, { exclude: [foreign[0]] });
    const res = await request(app).options('/profile').set('Authorization', BAD);
    expect(res.status).toBe(200);
    expect(probe.appErrors).toEqual([]);
  });
});

describe('exclude patterns and the Express major, in one process', () => {
  it('gives one middleware each app\'s own syntax: Express 5 reads /docs/*rest as a wildcard, Express 4 refuses it', async () => {
    const middleware = authenticationMiddleware(jwtBackend(), { exclude: ['/docs/*rest', '/health'] });
    const app5 = express5();
    const app4 = express4();
    const echo: express.RequestHandler = (req, res) => { res.json({ scopes: req.auth?.scopes }); };
    app5.use(middleware);
    app5.get('/*path', echo);
    app4.use(middleware);
    app4.get('*', echo);
    const app5First = await request(app5).get('/docs/intro').set('Authorization', BAD);
    const app4Answer = await request(app4).get('/docs/intro').set('Authorization', BAD);
    const app5Again = await request(app5).get('/docs/intro').set('Authorization', BAD);
    expect([app5First.status, app5First.body]).toEqual([200, { scopes: [] }]);
    expect(app4Answer.status).toBe(500);
    expect(app4Answer.text).toContain('is not valid path syntax for Express 4');
    expect([app5Again.status, app5Again.body]).toEqual([200, { scopes: [] }]);
    expect((await request(app5).get('/health').set('Authorization', BAD)).status).toBe(200);
  });

  it('applies portable patterns (literals and :name) and RegExps alike on both majors', async () => {
    for (const [, factory] of EXPRESS_VERSIONS) {
      await expectExcluded(factory, ['/users/:id/avatar'], '/users/42/avatar');
      await expectAuthenticated(factory, ['/users/:id/avatar'], '/users/42');
    }
  });
});

describe('exclude patterns valid in neither syntax', () => {
  it.each(['/a/(b', '/a[', '/:id(\\d+', '/a)'])('throw a TypeError at construction for %s', (pattern) => {
    let thrown: unknown;
    try {
      authenticationMiddleware(jwtBackend(), { exclude: [pattern] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toBe(
      `authenticationMiddleware: "exclude" pattern ${JSON.stringify(pattern)} is not valid Express path syntax, neither Express 5's ("/docs/*rest", "/files{/:name}") nor Express 4's ("/docs/*", "/files/:name?").`,
    );
  });
});

describe('compileExclusions without an Express app', () => {
  const requestTo = (path: string): IncomingMessage & { originalUrl: string } => ({ method: 'GET', url: path, originalUrl: path }) as IncomingMessage & { originalUrl: string };

  it('reads string patterns in Express 5 syntax, the package\'s own', () => {
    const isExcluded = compileExclusions(['/docs/*rest', '/files{/:name}'], []);
    expect([isExcluded(requestTo('/docs/a/b')), isExcluded(requestTo('/files')), isExcluded(requestTo('/other'))]).toEqual([true, true, false]);
  });

  it('throws the TypeError for a pattern in Express 4 syntax only', () => {
    const isExcluded = compileExclusions(['/docs/*'], []);
    expect(() => isExcluded(requestTo('/docs/a'))).toThrow(/is not valid path syntax for Express 5/);
  });

  it('reads an Express 4 app\'s requests in Express 4 syntax', () => {
    const isExcluded = compileExclusions(['/docs/*', '/files/:name?'], []);
    const app = express4();
    const inApp = (path: string) => ({ ...requestTo(path), app }) as IncomingMessage & { originalUrl: string; app: unknown };
    expect([isExcluded(inApp('/docs/a/b')), isExcluded(inApp('/files')), isExcluded(inApp('/other'))]).toEqual([true, true, false]);
  });
});
