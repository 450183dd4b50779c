import type { RequestHandler } from 'express';
import type { Algorithm } from 'jsonwebtoken';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AUDIENCE, ISSUER } from '../config';
import type { PartsFactory } from './app-shape';
import { peerGuard, sendUnauthorized } from './peer-errors';

interface PayloadLocals {
  jwtPayload?: { sub?: unknown };
}

/**
 * passport-jwt 4 with its own Passport instance, `session: false`, and a custom callback so that
 * a request without a token stays anonymous (passport-jwt reports it as a failure with the
 * message "No auth token") while a bad token is refused. The payload goes to `res.locals`.
 */
export const passportJwtParts: PartsFactory = ({ algorithm, key }) => {
  const passport = new Passport();
  passport.use(new JwtStrategy({
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    secretOrKey: key,
    algorithms: [algorithm as Algorithm],
    issuer: ISSUER,
    audience: AUDIENCE,
  }, (payload: unknown, done: (err: unknown, user?: unknown) => void) => done(null, payload)));
  const identify: RequestHandler = function passportIdentify(req, res, next) {
    const authenticate = passport.authenticate('jwt', { session: false }, (err: unknown, user: unknown, info: unknown) => {
      if (err) return next(err);
      if (user) {
        (res.locals as PayloadLocals).jwtPayload = user as PayloadLocals['jwtPayload'];
        return next();
      }
      if (info instanceof Error && info.message === 'No auth token') return next();
      sendUnauthorized(res, 'invalid_token');
    }) as RequestHandler;
    authenticate(req, res, next);
  };
  return {
    identify,
    protect: [peerGuard((res) => (res.locals as PayloadLocals).jwtPayload !== undefined)],
    subjectOf: (_req, res) => (res.locals as PayloadLocals).jwtPayload?.sub,
  };
};
