// Type test, compiled by `npm run typecheck` and never run: express-jwt-auth's augmentation of
// `Express.Request` merges with @types/passport's, with skipLibCheck off, and constrains nothing.
import type { Application, NextFunction, Request, Response } from 'express';
import type { AuthenticateOptions, PassportStatic } from 'passport';
import { type AuthCredentials, authenticated, type AuthenticatedRequest, type BaseUser, type JWTUser } from '../../lib';
import { PassportSessionBackend } from '../../lib/passport';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
function assertType<A, B>(_proof: Equal<A, B>): void {}

/** An application's passport account: nothing of BaseUser. */
interface Account {
  id: number;
  email: string;
}

/** express-jwt-auth's field is on every request, next to passport's, and `user` is passport's. */
export function readBothAugmentations(req: Request): void {
  assertType<typeof req.auth, AuthCredentials | undefined>(true);
  assertType<NonNullable<typeof req.auth>['scopes'], readonly string[]>(true);
  assertType<NonNullable<typeof req.auth>['isAuthenticated'], boolean>(true);
  assertType<typeof req.user, Express.User | undefined>(true);
  assertType<typeof req.authInfo, Express.AuthInfo | undefined>(true);
  // @ts-expect-error Express.User carries nothing of BaseUser: the package constrains nothing
  void req.user?.displayName;
  // @ts-expect-error req.auth is undefined until the middleware has run
  void req.auth.scopes;
}

/** Express.User is passport's empty interface: an account of any shape is a user. */
export function anyAccountIsAUser(account: Account): Express.User {
  return account;
}

/** Passport's request methods are still there, and still typed. */
export function usePassportMethods(req: Request, res: Response, next: NextFunction): void {
  if (req.isAuthenticated()) {
    assertType<typeof req.user, Express.User>(true);
    req.logIn(req.user, { session: false }, (err: unknown) => (err === undefined || err === null ? res.end() : next(err)));
    return;
  }
  req.logout((err: unknown) => next(err));
  // @ts-expect-error logIn needs a user first
  req.logIn();
}

/** A route can be guarded by a passport strategy and by express-jwt-auth's guards alike, without casts. */
export function mountBoth(app: Application, passport: PassportStatic): void {
  const options: AuthenticateOptions = { session: false };
  app.get('/passport', passport.authenticate('bearer', options), (req, res) => {
    res.json({ signedIn: req.isAuthenticated() });
  });
  app.get('/jwt', authenticated({ scopes: ['read'] }, (req: AuthenticatedRequest<JWTUser>, res) => {
    const user: JWTUser = req.user;
    void user;
    res.json({ user: req.user.displayName, scopes: req.auth.scopes });
  }));
  app.get('/account', authenticated((req: AuthenticatedRequest<Account>, res) => {
    res.json({ email: req.user.email });
  }));
}

/** The passport session adapter takes passport's user type. */
export const sessions = new PassportSessionBackend<Account>({ scopes: (account) => (account.email.endsWith('@example.com') ? ['staff'] : []) });
// @ts-expect-error scopes are names
new PassportSessionBackend<Account>({ scopes: () => [1] });

/** BaseUser is still what the library's own users implement. */
export function libraryUsers(user: JWTUser): BaseUser {
  return user;
}
