import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { type AuthCredentials, type AuthenticationBackend, AuthenticationError, type AuthResult, type BaseUser } from '../../lib';

// Node's HTTP client refuses to send some bytes in a header (control characters, anything past
// U+00FF), and Node's parser refuses others; a proxy or a hand-written client may still deliver
// them. These helpers hand any header value straight to a backend or the middleware.

/**
 * A request as Node would parse it, with exactly these headers (names lower-cased in
 * `headers`, kept as given in `rawHeaders`). Values are never validated.
 */
export function fakeRequest(headers: Readonly<Record<string, string>>, method = 'GET', url = '/probe'): IncomingMessage {
  const lower: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    lower[name.toLowerCase()] = value;
    rawHeaders.push(name, value);
  }
  const fields = { headers: lower, rawHeaders, method, url, originalUrl: url, path: url };
  return fields as unknown as IncomingMessage;
}

/** What a backend made of a request. */
export type BackendOutcome =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'authenticated'; readonly result: AuthResult<object> }
  | { readonly kind: 'refused'; readonly error: AuthenticationError }
  /** Anything else thrown: for hostile input, always a bug of the library. */
  | { readonly kind: 'crashed'; readonly error: unknown };

/** Runs `backend.authenticate(req)`, sync or async, and classifies the outcome without throwing. */
export async function outcomeOf(backend: AuthenticationBackend, req: IncomingMessage): Promise<BackendOutcome> {
  try {
    const result = await backend.authenticate(req);
    return result === null || result === undefined ? { kind: 'anonymous' } : { kind: 'authenticated', result };
  } catch (error) {
    return error instanceof AuthenticationError ? { kind: 'refused', error } : { kind: 'crashed', error };
  }
}

/** What the middleware did with a request: passed it on (with `next`'s argument) or answered it. */
export interface MiddlewareOutcome {
  /** `true` when `next()` was called without an error. */
  readonly passed: boolean;
  /** The argument `next` received, when it received one. */
  readonly nextError: unknown;
  /** The status written, when the middleware answered. */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly user: BaseUser | undefined;
  /** `req.auth` as the middleware left it. */
  readonly auth: AuthCredentials | undefined;
}

/**
 * Runs an Express middleware on a fake request and a fake response that records what is
 * written (through Express's `status`/`set`/`send` or Node's `statusCode`/`setHeader`/`end`). Resolves when the middleware called `next` or sent a response; rejects after
 * `timeoutMs` (a middleware that does neither would hang a real request).
 */
export function runMiddleware(middleware: RequestHandler, req: IncomingMessage, timeoutMs = 2000): Promise<MiddlewareOutcome> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    let status: number | undefined;
    const timer = setTimeout(() => reject(new Error('the middleware neither answered nor called next()')), timeoutMs);
    const finish = (outcome: Omit<MiddlewareOutcome, 'headers' | 'status' | 'user' | 'auth'>): void => {
      clearTimeout(timer);
      resolve({ ...outcome, headers, status, user: (req as Request).user as BaseUser | undefined, auth: (req as Request).auth });
    };
    const res = {
      headersSent: false,
      status(code: number) {
        status = code;
        return res;
      },
      set(name: string | Record<string, string>, value?: string) {
        if (typeof name === 'string') headers[name.toLowerCase()] = String(value);
        else for (const [key, one] of Object.entries(name)) headers[key.toLowerCase()] = one;
        return res;
      },
      send(body: string) {
        res.headersSent = true;
        finish({ passed: false, nextError: undefined, body });
        return res;
      },
      // Node's own calls, which the default renderer uses.
      set statusCode(code: number) {
        status = code;
      },
      setHeader(name: string, value: string | number) {
        headers[name.toLowerCase()] = String(value);
        return res;
      },
      end(body: string) {
        return res.send(body);
      },
    };
    const next: NextFunction = (err?: unknown) => finish({ passed: err === undefined, nextError: err, body: undefined });
    try {
      middleware(req as Request, res as unknown as Response, next);
    } catch (err) {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
