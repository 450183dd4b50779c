import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { rejectUnknownOptions } from '../core/options';
import { AuthCredentials } from '../credentials';
import type { PassportSessionOptions } from './passport-session-options';

const OWNER = 'PassportSessionBackend';

/**
 * A backend for users that passport has already identified, so that the guards accept them:
 * when `req.user` is set before `authenticationMiddleware` runs (by `passport.session()`), it
 * answers with that user and credentials `['authenticated', ...scopes(user)]`; otherwise `null`,
 * and the next backend is asked. Put it first in the list, and `passport.session()` before the
 * middleware. Without it, the guards never accept a passport session: only `req.auth` counts,
 * and `req.auth` says anonymous for a request that no backend of this library identified.
 *
 * @typeParam TUser - passport's user type (what `deserializeUser` gives).
 *
 * @example
 * ```ts
 * app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
 * app.use(passport.initialize());
 * app.use(passport.session());
 * app.use(authenticationMiddleware([new PassportSessionBackend<Account>({ scopes: (a) => a.roles }), jwtBackend]));
 * app.get('/account', authenticated((req: AuthenticatedRequest<Account>, res) => res.json(req.user)));
 * ```
 */
export class PassportSessionBackend<TUser extends object = Express.User> implements AuthenticationBackend {
  private readonly scopes: ((user: TUser) => readonly string[]) | undefined;

  constructor(options: PassportSessionOptions<TUser> = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: "options" must be an object, e.g. { scopes: (user) => user.roles }.`);
    rejectUnknownOptions(OWNER, options, ['scopes']);
    if (options.scopes !== undefined && typeof options.scopes !== 'function') {
      throw new TypeError(`${OWNER}: "scopes" must be a function (user) returning an array of scope names.`);
    }
    this.scopes = options.scopes;
  }

  /** The session user and its credentials, or `null` when passport identified nobody. */
  authenticate(req: IncomingMessage): AuthResult<TUser> | null {
    const user = (req as IncomingMessage & { user?: unknown }).user;
    // passport 0.6+ stores `false` for a user it could not deserialize.
    if (typeof user !== 'object' || user === null) return null;
    const extra = this.scopes?.(user as TUser) ?? [];
    return { user: user as TUser, credentials: new AuthCredentials(['authenticated', ...extra]) };
  }
}
