import type { Request, RequestHandler } from 'express';
import { createRequire } from 'node:module';
import { AUDIENCE, ISSUER } from '../config';
import type { PartsFactory } from './app-shape';
import { renderPeerError } from './peer-errors';

/** The part of express-oauth2-jwt-bearer's API used here. */
interface OAuth2BearerModule {
  auth(options: Readonly<Record<string, unknown>>): RequestHandler;
}

// Loaded without its type declarations: they augment `Express.Request` with an `auth` property
// of another type than the project's, and both cannot compile in one program.
const { auth } = createRequire(__filename)('express-oauth2-jwt-bearer') as OAuth2BearerModule;

type WithAuth = Request & { readonly auth?: { readonly payload?: { readonly sub?: unknown } } };

/**
 * Auth0's express-oauth2-jwt-bearer 1.x (jose underneath): `secret` with `tokenSigningAlg` for
 * HS256, `publicKey` (the same PEM the others get, imported once) for the asymmetric
 * algorithms, and `clockTolerance: 0` (its default is 5 s; the others have none). Its
 * `authRequired: false` turns every failure, a bad token included, into an anonymous request,
 * so it cannot identify on every route like the others: `auth()` guards the protected route
 * (its documented use) and `auth({ authRequired: false })` runs on the open one.
 */
export const oauth2BearerParts: PartsFactory = ({ algorithm, key }) => {
  const options = {
    issuer: ISSUER,
    audience: AUDIENCE,
    tokenSigningAlg: algorithm,
    ...(algorithm === 'HS256' ? { secret: key } : { publicKey: key }),
    clockTolerance: 0,
  };
  return {
    protect: [auth(options)],
    open: [auth({ ...options, authRequired: false })],
    subjectOf: (req) => (req as unknown as WithAuth).auth?.payload?.sub,
    errorHandler: renderPeerError,
  };
};
