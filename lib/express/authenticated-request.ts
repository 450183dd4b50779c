import type { Request } from 'express';
import type { AuthCredentials } from '../credentials';

/**
 * A request that has passed `authenticated()` or `requires()`: `user` is present.
 *
 * @example
 * ```ts
 * app.get('/me', authenticated(), (req, res) => {
 *   const { user } = req as AuthenticatedRequest;
 *   res.json({ name: user.displayName });
 * });
 * ```
 */
export type AuthenticatedRequest = Request & { user: Express.User; auth: AuthCredentials };
