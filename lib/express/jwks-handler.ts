import type { Request, RequestHandler, Response } from 'express';
import type { JsonWebKeySet } from '../keys/static-key-set';

/**
 * Options of {@link jwksHandler}.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(backend, { maxAgeSec: 60 }));
 * ```
 */
export interface JwksHandlerOptions {
  /** How long clients and caches may keep the key set, in seconds (`Cache-Control: max-age`). Default: `300`. */
  readonly maxAgeSec?: number;
}

/**
 * Anything that can publish a key set: the JWT backends' `jwks()`.
 *
 * @example
 * ```ts
 * const publisher: JwksPublisher = { jwks: () => ({ keys: [] }) };
 * ```
 */
export interface JwksPublisher {
  jwks(): JsonWebKeySet;
}

/**
 * Serves a backend's public key set, typically at `/.well-known/jwks.json`, so other services
 * can verify its tokens: `application/jwk-set+json` (RFC 7517 §8.5), `Cache-Control: public,
 * max-age=300`, and an `ETag` so clients revalidate cheaply. The document is built once: the
 * keys of a backend do not change after construction (rotate by deploying a new key map).
 * Throws the backend's `TypeError` at once for an HMAC or remote-key-set backend.
 *
 * @example
 * ```ts
 * app.get('/.well-known/jwks.json', jwksHandler(backend));
 * ```
 */
export function jwksHandler(backend: JwksPublisher, options: JwksHandlerOptions = {}): RequestHandler {
  const { maxAgeSec = 300 } = options;
  if (!Number.isInteger(maxAgeSec) || maxAgeSec < 0) throw new TypeError('jwksHandler: "maxAgeSec" must be a whole number of seconds.');
  const body = JSON.stringify(backend.jwks());
  return function serveJwks(_req: Request, res: Response): void {
    res.set('Cache-Control', `public, max-age=${maxAgeSec}`);
    res.type('application/jwk-set+json');
    res.send(body);
  };
}
