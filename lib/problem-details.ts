import { STATUS_CODES } from 'node:http';
import type { AuthenticationError } from './errors';

/**
 * An RFC 9457 problem-details body, extended with the RFC 6750 `error` code and, where the
 * error has them, the `reason`, the `claim` name and the required `scope`.
 *
 * @example
 * ```ts
 * const body: ProblemDetails = { type: 'about:blank', title: 'Unauthorized', status: 401,
 *   detail: 'The access token has expired.', error: 'invalid_token', reason: 'expired' };
 * ```
 */
export interface ProblemDetails {
  /** Always `about:blank`: the status and `error` say what happened (RFC 9457 §4.2.1). */
  readonly type: string;
  /** The HTTP status phrase. */
  readonly title: string;
  /** The HTTP status. */
  readonly status: number;
  /** The error's constant message. */
  readonly detail: string;
  /** The error code, e.g. `invalid_token`. */
  readonly error: string;
  /** Why, for `invalid_request` and `invalid_token`. */
  readonly reason?: string;
  /** The claim at fault, for some `invalid_token` reasons. */
  readonly claim?: string;
  /** The required scopes, space-delimited, for `insufficient_scope`. */
  readonly scope?: string;
  /** The acceptable `acr` values, space-delimited, for `insufficient_user_authentication` (RFC 9470). */
  readonly acr_values?: string;
  /** The greatest authentication age in seconds, as a string, for `insufficient_user_authentication` (RFC 9470). */
  readonly max_age?: string;
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
  return {
    type: 'about:blank',
    title: STATUS_CODES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    error: err.code,
    ...err.problemExtensions(),
  };
}
