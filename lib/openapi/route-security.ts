import type { IncomingMessage } from 'node:http';
import type { oas31 } from 'openapi3-ts';
import { appOf, type RouteRecord } from './routes';

/** A scheme as a security requirement names it. */
export interface DocumentedScheme {
  /** Its key in `components.securitySchemes`. */
  readonly name: string;
  /** Whether requirements list scopes for it (OAuth2 and OpenID Connect schemes). */
  readonly takesScopes: boolean;
}

/**
 * The specification extensions (OpenAPI 3.1 §4.9) of an operation, from its route's guards:
 * `x-required-claims`, the names of the claims `claimEquals`/`claimIncludes` check (never their
 * expected values, which may be tenant ids or e-mail addresses; a `claimCheck` predicate has no
 * name to show), and `x-step-up`, the `acr_values` and `max_age` of `authenticated({ acrValues,
 * maxAge })`, which its 401 challenge publishes anyway (RFC 9470).
 *
 * @example
 * ```ts
 * extensionsOf(route); // { 'x-required-claims': ['org_id'], 'x-step-up': { acr_values: ['mfa'], max_age: 300 } }
 * ```
 */
export function extensionsOf(route: RouteRecord): Record<string, unknown> {
  const { access } = route;
  if (access?.kind !== 'authenticated') return {};
  const { claims, stepUp } = access;
  return {
    ...(claims === undefined || claims.length === 0 ? {} : { 'x-required-claims': [...claims] }),
    ...(stepUp === undefined ? {} : {
      'x-step-up': {
        ...(stepUp.acrValues.length === 0 ? {} : { acr_values: [...stepUp.acrValues] }),
        ...(stepUp.maxAge === undefined ? {} : { max_age: stepUp.maxAge }),
      },
    }),
  };
}

/** The implicit scope of every authenticated request; a requirement never lists it. */
const AUTHENTICATED = 'authenticated';

/** Whether the middleware in front of a route lets it through unauthenticated. */
function isExcluded(route: RouteRecord): boolean {
  if (route.middleware === undefined) return true;
  // The exclusion test reads only the method, the path and the app (whose Express major decides
  // the patterns' syntax). A template's `{id}` stands for any value: a pattern that excludes
  // every value excludes it, one that excludes some does not.
  const probe = { method: route.method.toUpperCase(), url: route.path, originalUrl: route.path, app: appOf(route) };
  return route.middleware.isExcluded(probe as unknown as IncomingMessage & { originalUrl: string; app: unknown });
}

/**
 * The OpenAPI `security` of an operation, from its route:
 * - a route guarded by `authenticated()`/`requires()`: one requirement per scheme (any of them
 *   will do), with the guard's scopes on OAuth2/OpenID Connect schemes and none on the others;
 * - a route behind the authentication middleware and not excluded from it, with no guard or
 *   `anonymousAllowed()`: the same alternatives with no scopes, plus `{}` (authentication is
 *   optional: a token is read when sent);
 * - a route excluded from the middleware, or with no middleware in front: `[]` (none).
 *
 * @example
 * ```ts
 * securityOf(route, [{ name: 'oauth2', takesScopes: true }, { name: 'cookieAuth', takesScopes: false }]);
 * // requires('admin') → [{ oauth2: ['admin'] }, { cookieAuth: [] }]
 * ```
 */
export function securityOf(route: RouteRecord, schemes: readonly DocumentedScheme[]): oas31.SecurityRequirementObject[] {
  const { access } = route;
  // A guard decides even without the middleware: the document shows what the route demands
  // (such a route answers 500 until the middleware is installed).
  if (access?.kind === 'authenticated') {
    const scopes = access.scopes.filter((scope) => scope !== AUTHENTICATED);
    return schemes.map((scheme) => ({ [scheme.name]: scheme.takesScopes ? [...scopes] : [] }));
  }
  if (isExcluded(route)) return [];
  return [{}, ...schemes.map((scheme) => ({ [scheme.name]: [] }))];
}
