// Type test, compiled by `npm run typecheck` and never run: express-jwt-auth's augmentation of
// `Express.Request` and `Express.User` must merge with @types/passport's, with skipLibCheck off.
// Only passport's types are installed, so it is imported with `import type` alone.
import type { Application, NextFunction, Request, Response } from 'express';
import type { AuthenticateOptions, PassportStatic } from 'passport';
import { type AuthCredentials, authenticated, type AuthenticatedRequest, type BaseUser } from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
function assertType<A, B>(_proof: Equal<A, B>): void {}

/** express-jwt-auth's fields are on every request, next to passport's. */
export function readBothAugmentations(req: Request): void {
  assertType<typeof req.auth, AuthCredentials>(true);
  assertType<typeof req.auth.scopes, readonly string[]>(true);
  assertType<typeof req.auth.payload, Readonly<Record<string, unknown>> | undefined>(true);
  assertType<typeof req.user, Express.User | undefined>(true);
  assertType<NonNullable<typeof req.user>['displayName'], string>(true);
  assertType<typeof req.authInfo, Express.AuthInfo | undefined>(true);

  const name: string | undefined = req.user?.displayName;
  const authenticatedUser: boolean | undefined = req.user?.isAuthenticated;
  void [name, authenticatedUser];

  // @ts-expect-error req.user is optional until a guard has run
  void req.user.displayName;
  // @ts-expect-error the scopes are read-only
  req.auth.scopes.push('admin');
}

/** Passport's `Express.User` and express-jwt-auth's are one interface, which extends BaseUser. */
export function oneUserInterface(user: Express.User): BaseUser {
  assertType<Express.User['identity'], string>(true);
  return user;
}

/** Passport's request methods are still there, and still typed. */
export function usePassportMethods(req: Request, res: Response, next: NextFunction): void {
  if (req.isAuthenticated()) {
    // passport's own narrowing gives a non-optional user, of the merged type
    assertType<typeof req.user, Express.User>(true);
    req.logIn(req.user, { session: false }, (err: unknown) => (err === undefined || err === null ? res.end() : next(err)));
    return;
  }
  req.logout((err: unknown) => next(err));
  // @ts-expect-error logIn needs a user first
  req.logIn();
}

/** A route can be guarded by a passport strategy and by express-jwt-auth's guards alike. */
export function mountBoth(app: Application, passport: PassportStatic): void {
  const options: AuthenticateOptions = { session: false };
  app.get('/passport', passport.authenticate('bearer', options), (req, res) => {
    res.json({ user: req.user?.displayName ?? null });
  });
  app.get('/jwt', authenticated({ scopes: ['read'] }), (req, res) => {
    const { user, auth } = req as AuthenticatedRequest;
    res.json({ user: user.displayName, scopes: auth.scopes });
  });
}
