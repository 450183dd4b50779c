// Type test, compiled by `npm run typecheck` in the same program as files that import
// express-jwt-auth: code that only uses passport must compile unchanged beside the package.
// Nothing here imports express-jwt-auth; its global augmentation must constrain nothing here.
import type { NextFunction, Request, Response } from 'express';
import type { PassportStatic } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';

/** An application's account: nothing of express-jwt-auth's BaseUser. */
interface Account {
  id: number;
  email: string;
}

declare const accounts: Map<string, Account>;

export function configurePassport(passport: PassportStatic): void {
  passport.use(new LocalStrategy((username, password, done) => {
    const account = accounts.get(username);
    if (account === undefined || password === '') return done(null, false);
    done(null, account);
  }));
  passport.serializeUser((user, done) => done(null, (user as Account).id));
  passport.deserializeUser((id: number, done) => done(null, [...accounts.values()].find((account) => account.id === id) ?? false));
}

export function profile(req: Request, res: Response, next: NextFunction): void {
  if (!req.isAuthenticated()) return next();
  const account = req.user as Account;
  res.json({ email: account.email });
}

export function loginAs(req: Request, account: Account, next: NextFunction): void {
  req.login(account, (err: unknown) => next(err));
}
