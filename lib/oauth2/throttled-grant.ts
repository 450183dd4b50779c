import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInstance } from '../core/is-instance';
import { clientAddress, FailureThrottle, type ThrottleSubject } from '../throttle/failure-throttle';
import { ThrottledError } from '../throttle/throttled-error';
import { OAuth2Error } from './oauth2-error';
import { type PasswordGrant, type PasswordGrantSettings, runPasswordGrant } from './password-grant';
import type { TokenParameters } from './read-token-request';

/**
 * Reads the token endpoint's `throttle` option: `undefined`, or a throttle from `failureThrottle()`.
 *
 * @example
 * ```ts
 * const throttle = readGrantThrottle(options.throttle);
 * ```
 */
export function readGrantThrottle(value: unknown): FailureThrottle | undefined {
  if (value === undefined || value instanceof FailureThrottle) return value;
  throw new TypeError('tokenEndpoint: "throttle" must be built by failureThrottle({ store }), e.g. throttle: failureThrottle({ store: memoryStore() }).');
}

/**
 * Runs the password grant behind a throttle: a client IP or a username past its limit of failed
 * sign-ins in the current window is refused before its credentials are checked (a blocked
 * attacker learns nothing, even from the right password); a wrong password counts against both,
 * a failed client authentication against the IP; a success never counts.
 *
 * @example
 * ```ts
 * const grant = await runThrottledGrant(throttle, parameters, req, settings);
 * ```
 */
export async function runThrottledGrant(
  throttle: FailureThrottle,
  parameters: TokenParameters,
  req: IncomingMessage,
  settings: PasswordGrantSettings,
): Promise<PasswordGrant> {
  const ip: ThrottleSubject = { scope: 'ip', value: clientAddress(req) };
  const username = parameters.get('username');
  const subjects: readonly ThrottleSubject[] = username === undefined || username === '' ? [ip] : [ip, { scope: 'username', value: username }];
  const retryAfterSec = await throttle.check(subjects, 'token_endpoint');
  if (retryAfterSec !== undefined) throw new ThrottledError(retryAfterSec);
  try {
    return await runPasswordGrant(parameters, req, settings);
  } catch (err) {
    if (isInstance(err, OAuth2Error)) {
      const { reason } = err as OAuth2Error;
      if (reason === 'bad_credentials') await throttle.fail(subjects, 'token_endpoint');
      else if (reason === 'client_authentication_failed') await throttle.fail([ip], 'token_endpoint');
    }
    throw err;
  }
}

/**
 * Answers a throttled token request: 429, `Retry-After`, no caching, and an RFC 6749 §5.2 body
 * whose `error` is `slow_down` (the registered code for "retry later, more slowly", RFC 8628 §3.5).
 *
 * @example
 * ```ts
 * sendThrottledGrant(res, new ThrottledError(60));
 * ```
 */
export function sendThrottledGrant(res: ServerResponse, err: ThrottledError): void {
  res.statusCode = err.status;
  res.setHeader('Retry-After', String(err.retryAfterSec));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: 'slow_down', error_description: err.message }));
}
