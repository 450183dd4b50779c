import express, { type Router } from 'express';
import { OAuth2PasswordBearerBackend, type OAuth2PasswordBearerBackendOptions, type TokenPayload } from '../lib';
import { TOKEN_LIFETIME_SEC } from './tokens';
import { type DemoAccount, findAccount, verifyCredentials } from './users';

/** Where the demo's token endpoint is: exclude it from `authenticationMiddleware`. */
export const TOKEN_PATH = '/token';

/** The scopes the demo's tokens may carry, as Swagger UI offers them. */
export const DEMO_SCOPES: Readonly<Record<string, string>> = Object.freeze({
  read: 'Read your profile',
  admin: 'Use the admin area',
});

/** Options of {@link createOAuth2Backend}. */
export interface DemoOAuth2Options {
  /**
   * The key options of the demo's other backend (`secretKey`, `algorithm`, `signingKey`), so that
   * each backend accepts the other's tokens. Required.
   */
  readonly keys: Pick<OAuth2PasswordBearerBackendOptions<DemoAccount>, 'secretKey' | 'algorithm' | 'signingKey'>;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
  /** The demo's revocation check. Default: nothing is revoked. */
  readonly isRevoked?: (payload: TokenPayload) => boolean;
}

/**
 * The demo's OAuth2 backend: its tokens are the same JWTs as `POST /login` issues (same keys,
 * lifetime, `sub`, `username` and `scope`), its token endpoint is `POST /token`, and its OpenAPI
 * scheme is the password flow Swagger UI logs in with.
 */
export function createOAuth2Backend({ keys, clock = Date.now, isRevoked }: DemoOAuth2Options): OAuth2PasswordBearerBackend<DemoAccount> {
  return new OAuth2PasswordBearerBackend<DemoAccount>({
    ...keys,
    clock,
    expiresIn: TOKEN_LIFETIME_SEC,
    tokenUrl: TOKEN_PATH,
    scopes: DEMO_SCOPES,
    retrieveUser: (payload) => findAccount(payload.sub),
    ...(isRevoked === undefined ? {} : { isRevoked }),
  });
}

/**
 * `POST /token`: the RFC 6749 password grant for the demo's users (alice / alice-password,
 * admin / admin-password). `verifyCredentials` from `users.ts` runs scrypt against a dummy hash
 * for unknown users, so an unknown user and a wrong password take the same time and get the
 * same `invalid_grant`. Mounted with `all()`, so that other methods get 405.
 */
export function oauth2Routes(backend: OAuth2PasswordBearerBackend<DemoAccount>): Router {
  const router = express.Router();
  router.all(TOKEN_PATH, backend.tokenEndpoint({
    async verifyCredentials(username, password) {
      const user = await verifyCredentials(username, password);
      return user === null ? null : { sub: user.username, scopes: user.scopes, claims: { username: user.username } };
    },
  }));
  return router;
}
