import type { AuthCredentials } from '../credentials';
import type { BaseUser } from '../user';

// The one augmentation of Express's types. `user?: User` has the shape @types/passport uses,
// so both packages can be installed together; declare your own user type by merging into
// `Express.User`.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends BaseUser {}

    interface Request {
      /** The request's user, set by `authenticationMiddleware` (anonymous when no credentials). */
      user?: User | undefined;
      /** The request's credentials, set by `authenticationMiddleware` (no scopes when anonymous). */
      auth: AuthCredentials;
    }
  }
}

export {};
