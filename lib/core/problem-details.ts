import { STATUS_CODES } from 'node:http';
import type { AuthenticationError } from '../errors';

/**
 * An RFC 9457 problem-details body, extended with the RFC 6750 `error` code and, where the
 * error has them, the `reason`, the `claim` name and the required `scope`.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly error: string;
  readonly reason?: string;
  readonly claim?: string;
  readonly scope?: string;
}

/** The media type of a {@link ProblemDetails} body (RFC 9457 §3). */
export const PROBLEM_JSON = 'application/problem+json';

/**
 * Builds the problem-details body of an authentication error. It carries only constant text
 * and names: never the token, a secret, or an expected claim value.
 *
 * @example
 * ```ts
 * problemDetails(new InvalidTokenError('expired'));
 * // { type: 'about:blank', title: 'Unauthorized', status: 401,
 * //   detail: 'The access token has expired.', error: 'invalid_token', reason: 'expired' }
 * ```
 */
export function problemDetails(err: AuthenticationError): ProblemDetails {
  const extra = err as Partial<Record<'reason' | 'claim' | 'scopes', unknown>>;
  return {
    type: 'about:blank',
    title: STATUS_CODES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    error: err.code,
    ...(typeof extra.reason === 'string' ? { reason: extra.reason } : {}),
    ...(typeof extra.claim === 'string' ? { claim: extra.claim } : {}),
    ...(Array.isArray(extra.scopes) ? { scope: extra.scopes.join(' ') } : {}),
  };
}
