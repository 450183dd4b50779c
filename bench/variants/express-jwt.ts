import type { Request } from 'express';
import { expressjwt } from 'express-jwt';
import type { Algorithm, JwtPayload } from 'jsonwebtoken';
import { AUDIENCE, ISSUER } from '../config';
import type { PartsFactory } from './app-shape';
import { peerGuard, renderPeerError } from './peer-errors';

type WithPayload = Request & { jwtPayload?: JwtPayload };

/**
 * express-jwt 8 as its README shows it: the secret (or public key PEM) as a string, which
 * jsonwebtoken parses again on every request. `credentialsRequired: false` makes it identify
 * without enforcing, like the project's middleware; the payload goes to `req.jwtPayload`.
 */
export const expressJwtParts: PartsFactory = ({ algorithm, key }) => ({
  identify: expressjwt({
    secret: key,
    algorithms: [algorithm as Algorithm],
    issuer: ISSUER,
    audience: AUDIENCE,
    credentialsRequired: false,
    requestProperty: 'jwtPayload',
  }),
  protect: [peerGuard((_res, req) => (req as WithPayload).jwtPayload !== undefined)],
  subjectOf: (req) => (req as WithPayload).jwtPayload?.sub,
  errorHandler: renderPeerError,
});
