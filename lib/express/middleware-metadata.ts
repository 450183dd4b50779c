import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend } from '../backend';
import type { ExclusionTest } from './exclusions';

/**
 * What an `authenticationMiddleware` handler declares about itself, readable from the Express
 * router: the backends it asks, and the test that decides which requests skip it. OpenAPI
 * generation reads it to tell routes behind the middleware (optional authentication) from
 * routes before it or excluded from it (no authentication).
 *
 * @example
 * ```ts
 * const metadata: MiddlewareMetadata = { backends: [backend], isExcluded: compileExclusions(['/login'], ['OPTIONS']) };
 * ```
 */
export interface MiddlewareMetadata {
  /** The backends the middleware asks, in order. */
  readonly backends: readonly AuthenticationBackend<IncomingMessage>[];
  /** The compiled `exclude` and `excludeMethods` options: `true` for a request that skips authentication. */
  readonly isExcluded: ExclusionTest;
}

// Symbol.for, like the route-access tag, so that two copies of the library read each other's tags.
const MIDDLEWARE = Symbol.for('express-jwt-auth.middleware');

type Tagged = { [MIDDLEWARE]?: MiddlewareMetadata };

/**
 * Tags an `authenticationMiddleware` handler with what it does. A handler is tagged once; a
 * second tag throws a `TypeError` (the first one is what the handler was built with).
 *
 * @example
 * ```ts
 * return tagMiddleware(function authenticationMiddleware(req, res, next) { ... }, { backends, isExcluded });
 * ```
 */
export function tagMiddleware<T extends object>(handler: T, metadata: MiddlewareMetadata): T {
  if (Object.hasOwn(handler, MIDDLEWARE)) throw new TypeError('tagMiddleware: this handler is already tagged.');
  const frozen: MiddlewareMetadata = Object.freeze({ backends: Object.freeze([...metadata.backends]), isExcluded: metadata.isExcluded });
  Object.defineProperty(handler, MIDDLEWARE, { value: frozen, enumerable: false });
  return handler;
}

/**
 * The metadata of an `authenticationMiddleware` handler, or `undefined` for any other handler.
 *
 * @example
 * ```ts
 * middlewareMetadataOf(authenticationMiddleware(backend))?.backends; // [backend]
 * middlewareMetadataOf(express.json()); // undefined
 * ```
 */
export function middlewareMetadataOf(handler: unknown): MiddlewareMetadata | undefined {
  return typeof handler === 'function' ? (handler as Tagged)[MIDDLEWARE] : undefined;
}
