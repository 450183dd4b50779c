import type { AuthCredentials } from '../credentials';

// The one augmentation of Express's types. It adds only what the middleware sets and constrains
// nothing: `User` stays an empty interface, as @types/passport declares it, so passport code
// compiles unchanged beside this package. Handlers behind a guard get a typed user from
// `AuthenticatedRequest` instead of from this global.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}

    interface Request {
      /** The request's user: set by `authenticationMiddleware` for an authenticated request only. */
      user?: User | undefined;
      /**
       * What the request is, set by `authenticationMiddleware` on every request it sees
       * (`AuthCredentials.anonymous` when no backend identified it); `undefined` before it runs.
       */
      auth?: AuthCredentials | undefined;
    }
  }
}

export {};
