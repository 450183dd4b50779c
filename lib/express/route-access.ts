import type { StepUpRequirement } from '../jwt/step-up';

/**
 * What a guard declares about its route, readable from the Express router (OpenAPI
 * generation reads it): `anonymous` for `anonymousAllowed()`, `authenticated` with the
 * required scopes for `authenticated()` and `requires()`, the checked claims' names for the
 * claim guards, and the step-up requirement of `authenticated({ acrValues, maxAge })`.
 *
 * @example
 * ```ts
 * const access: RouteAccess | undefined = routeAccessOf(layer.handle);
 * if (access?.kind === 'authenticated') console.log(access.scopes);
 * ```
 */
export type RouteAccess =
  | { readonly kind: 'anonymous' }
  | {
    readonly kind: 'authenticated';
    readonly scopes: readonly string[];
    /** The claims a claim guard checks, by name only (their expected values may be sensitive). */
    readonly claims?: readonly string[];
    /** What a step-up guard requires of the user's authentication (RFC 9470). */
    readonly stepUp?: StepUpRequirement;
  };

const ACCESS = Symbol.for('express-jwt-auth.route-access');

type Tagged = { [ACCESS]?: RouteAccess };

/** Tags a guard handler with the access it enforces. */
export function tagRouteAccess<T extends object>(handler: T, access: RouteAccess): T {
  Object.defineProperty(handler, ACCESS, { value: Object.freeze(access), enumerable: false });
  return handler;
}

/**
 * The access a guard handler declares, or `undefined` for any other handler.
 *
 * @example
 * ```ts
 * routeAccessOf(requires('admin')); // { kind: 'authenticated', scopes: ['admin'] }
 * routeAccessOf(anonymousAllowed()); // { kind: 'anonymous' }
 * ```
 */
export function routeAccessOf(handler: unknown): RouteAccess | undefined {
  return typeof handler === 'function' ? (handler as Tagged)[ACCESS] : undefined;
}
