import type { IncomingMessage } from 'node:http';
import type { AuthResult } from '../backend';
import type { Challenge } from '../core/challenge';
import type { AuthCredentials, TokenPayload } from '../credentials';
import { InvalidTokenError } from '../errors';
import type { BaseUser } from '../user';

/** The application hooks that turn verified claims into a user. */
export interface UserHooks<TUser extends BaseUser> {
  readonly retrieveUser?: (payload: TokenPayload, req: IncomingMessage) => TUser | null | undefined | Promise<TUser | null | undefined>;
  readonly isRevoked?: (payload: TokenPayload, req: IncomingMessage) => boolean | Promise<boolean>;
}

function isBaseUser(value: unknown): value is BaseUser {
  const user = value as Partial<BaseUser> | null;
  return typeof user === 'object' && user !== null && typeof user.isAuthenticated === 'boolean'
    && typeof user.displayName === 'string' && typeof user.identity === 'string';
}

/**
 * Runs `isRevoked` and then `retrieveUser` (Litestar checks revocation after loading the user,
 * which wastes a lookup on a revoked token). A revoked token or a vanished user is an
 * `InvalidTokenError`; a hook that returns the wrong shape is a `TypeError`, the application's
 * bug; whatever a hook throws propagates unchanged.
 *
 * @example
 * ```ts
 * const result = await resolveUser(hooks, payload, req, credentials, challenge, () => new JWTUser(payload, token));
 * ```
 */
export async function resolveUser(
  hooks: UserHooks<BaseUser>,
  payload: TokenPayload,
  req: IncomingMessage,
  credentials: AuthCredentials,
  challenge: Challenge,
  defaultUser: () => BaseUser,
): Promise<AuthResult> {
  if (hooks.isRevoked !== undefined) {
    const revoked = await hooks.isRevoked(payload, req);
    if (typeof revoked !== 'boolean') throw new TypeError('isRevoked must return (or resolve to) true or false.');
    if (revoked) throw new InvalidTokenError('revoked', { challenge });
  }
  if (hooks.retrieveUser === undefined) return { user: defaultUser(), credentials };
  const user = await hooks.retrieveUser(payload, req);
  if (user === null || user === undefined) throw new InvalidTokenError('unknown_user', { challenge });
  if (!isBaseUser(user)) {
    throw new TypeError('retrieveUser must return an object implementing BaseUser (isAuthenticated, displayName, identity), or null.');
  }
  return { user, credentials };
}
