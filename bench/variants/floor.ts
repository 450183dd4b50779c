import type { RequestHandler } from 'express';
import type { PartsFactory } from './app-shape';

// The floors of the project's design: its app shape (an app-wide middleware, a guard on the
// protected route, the same answer) with nothing authenticated, so that the cost of the shape,
// and of adding two properties to each request, is measured in the same run as the project.

const noop: RequestHandler = function noopMiddleware(_req, _res, next) {
  next();
};

const noopGuard: RequestHandler = function noopGuard(_req, _res, next) {
  next();
};

// Constant, shared objects: what is measured is the two property writes, not building values.
const USER = Object.freeze({ isAuthenticated: false, displayName: '', identity: '' });
const AUTH = Object.freeze({ isAuthenticated: false, scopes: Object.freeze([] as string[]) });

const assignConstants: RequestHandler = function constantPropertiesMiddleware(req, _res, next) {
  (req as unknown as { user: unknown }).user = USER;
  (req as unknown as { auth: unknown }).auth = AUTH;
  next();
};

const subjectOf = (req: Parameters<RequestHandler>[0]): unknown => (req as unknown as { auth?: { payload?: { sub?: unknown } } }).auth?.payload?.sub;

/** A no-op app-wide middleware and a no-op route guard. */
export const floorNoopParts: PartsFactory = () => ({ identify: noop, protect: [noopGuard], subjectOf });

/** The same, where the middleware only assigns constant objects to `req.user` and `req.auth`. */
export const floorPropsParts: PartsFactory = () => ({ identify: assignConstants, protect: [noopGuard], subjectOf });
