import type { Request } from 'express';
import type { AuthCredentials } from '../credentials';
import type { AnyAuthenticationError } from '../errors';
import type { AuthContext } from './request-context';

/**
 * A requirement a guard checks of an authenticated request, after authentication and before
 * scopes: the error to answer with (an `AuthenticationError` is rendered through the
 * middleware's `onError`, any other `Error` is the application's and goes to `next(err)`), or
 * `undefined` when the request satisfies it.
 *
 * @example
 * ```ts
 * const check: GuardCheck = (auth, req, context) => (auth.payload?.org_id === 'acme' ? undefined : new InsufficientClaimsError('claim_mismatch', { claim: 'org_id', challenge: context.challenge }));
 * ```
 */
export type GuardCheck = (auth: AuthCredentials, req: Request, context: AuthContext) => AnyAuthenticationError | Error | undefined;
