import type { NextFunction, Request, Response } from 'express';
import type { AnyAuthenticationError } from '../errors';
import { PROBLEM_JSON, type ProblemDetails } from '../problem-details';
import { clientAddress, FailureThrottle, type ThrottleSubject } from '../throttle/failure-throttle';
import { ThrottledError } from '../throttle/throttled-error';
import type { AuthContext } from './request-context';

/**
 * Reads the middleware's `throttle` option: `undefined`, or a throttle from `failureThrottle()`.
 *
 * @example
 * ```ts
 * const throttle = readThrottle('authenticationMiddleware', options.throttle);
 * ```
 */
export function readThrottle(owner: string, value: unknown): FailureThrottle | undefined {
  if (value === undefined || value instanceof FailureThrottle) return value;
  throw new TypeError(`${owner}: "throttle" must be built by failureThrottle({ store }), e.g. throttle: failureThrottle({ store: memoryStore() }).`);
}

/**
 * Answers 429 with `Retry-After`, `Cache-Control: no-store` and an RFC 9457 problem+json body
 * whose `error` is `too_many_attempts`. It carries no `WWW-Authenticate`: other credentials
 * would not help before the window ends.
 *
 * @example
 * ```ts
 * sendThrottled(res, new ThrottledError(42));
 * ```
 */
export function sendThrottled(res: Response, err: ThrottledError): void {
  const body: ProblemDetails = { type: 'about:blank', title: 'Too Many Requests', status: err.status, detail: err.message, error: 'too_many_attempts' };
  const text = JSON.stringify(body);
  res.statusCode = err.status;
  res.setHeader('Retry-After', String(err.retryAfterSec));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', `${PROBLEM_JSON}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

const ipOf = (req: Request): readonly ThrottleSubject[] => [{ scope: 'ip', value: clientAddress(req) }];

/**
 * Answers 429 when this process knows the request's client is past its limit of refused
 * authentications in the current window; returns whether it did. No store round trip.
 *
 * @example
 * ```ts
 * if (throttle !== undefined && refuseBlocked(throttle, req, res)) return;
 * ```
 */
export function refuseBlocked(throttle: FailureThrottle, req: Request, res: Response): boolean {
  const retryAfterSec = throttle.blockedLocally(ipOf(req)[0], 'middleware');
  if (retryAfterSec === undefined) return false;
  sendThrottled(res, new ThrottledError(retryAfterSec));
  return true;
}

/**
 * Counts a refused authentication against the client's IP, then answers it: with the refusal,
 * or with 429 when the client is now past its limit. Only refused credentials count (400
 * `invalid_request`, 401 `invalid_token`); an outage (503) or a cross-site request does not.
 *
 * @example
 * ```ts
 * countRefusal(throttle, err, req, res, next, context);
 * ```
 */
export function countRefusal(throttle: FailureThrottle, err: AnyAuthenticationError, req: Request, res: Response, next: NextFunction, context: AuthContext): void {
  if (err.code !== 'invalid_token' && err.code !== 'invalid_request') {
    context.fail(err, req, res, next);
    return;
  }
  throttle.fail(ipOf(req), 'middleware').then((retryAfterSec) => {
    if (retryAfterSec === undefined || res.headersSent) context.fail(err, req, res, next);
    else sendThrottled(res, new ThrottledError(retryAfterSec));
  }, next);
}
