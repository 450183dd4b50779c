import express, { type ErrorRequestHandler } from 'express';
import { Agent } from 'node:http';
import request from 'supertest';
import { type AuthenticationBackend, authenticationMiddleware } from '../../lib';
import { listenLocally, type LocalServer } from './local-server';
import { echoUser } from './apps';

/** A running app for property tests: one server for many requests, and what its handler saw. */
export interface FuzzTarget extends LocalServer {
  /** The identities the route handler ran for as an authenticated user. */
  readonly authenticated: string[];
  /** Errors that reached the application's error handler. */
  readonly appErrors: unknown[];
}

/**
 * Starts an app with the middleware and `GET /probe`, which answers
 * `{ authenticated, identity }` and records authenticated runs; an error handler answers 500
 * and records the error. Listens on 127.0.0.1 only.
 */
export async function startFuzzTarget(backend: AuthenticationBackend<express.Request> | readonly AuthenticationBackend<express.Request>[]): Promise<FuzzTarget> {
  const authenticated: string[] = [];
  const appErrors: unknown[] = [];
  const app = express();
  app.use(authenticationMiddleware(backend));
  app.get('/probe', (req, res) => {
    const identity = echoUser(req.user)?.identity ?? '';
    if (req.auth?.isAuthenticated === true) authenticated.push(identity);
    res.json({ authenticated: req.auth?.isAuthenticated === true, identity });
  });
  const onAppError: ErrorRequestHandler = (err, _req, res, _next) => {
    appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  };
  app.use(onAppError);
  const server = await listenLocally(app);
  return { ...server, authenticated, appErrors };
}

// One connection pool for every property run: a new connection per request would cost more than the request.
const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

/** `GET /probe` with a deadline: a request that takes longer has hung. */
export function probe(target: FuzzTarget, headers: Readonly<Record<string, string>>): request.Test {
  return request(target.origin).get('/probe').agent(keepAlive).set(headers).timeout({ response: 3000, deadline: 5000 });
}

/**
 * A string an HTTP client can put in a header: `text` as UTF-8 bytes read as Latin-1 (what a
 * raw client sending UTF-8 delivers to Node), with the bytes Node's client refuses (control
 * characters but tab, and DEL) replaced by `~`.
 */
export function sendable(text: string): string {
  const bytes = Buffer.from(text, 'utf8').map((byte) => ((byte < 0x20 && byte !== 0x09) || byte === 0x7f ? 0x7e : byte));
  return Buffer.from(bytes).toString('latin1');
}

/**
 * Asserts the answer to credentials that cannot be valid: 400 or 401 with a Bearer challenge
 * and the matching error, or 200 as an anonymous user (no credentials for this backend).
 * Never a 5xx, never an authenticated handler run.
 */
export function expectRefusedOrAnonymous(res: request.Response): void {
  expect([200, 400, 401]).toContain(res.status);
  if (res.status === 200) {
    expect(res.body).toEqual({ authenticated: false, identity: '' });
    return;
  }
  const error = res.status === 400 ? 'invalid_request' : 'invalid_token';
  expect(res.headers['www-authenticate']).toMatch(new RegExp(`^Bearer realm="api", error="${error}", error_description="[^"]+"$`));
  expect(res.body).toMatchObject({ status: res.status, error });
}
