import type { Application } from 'express';
import type { oas31 } from 'openapi3-ts';
import type { AuthenticationBackend } from '../backend';
import { rejectUnknownOptions } from '../core/options';
import { pathKey } from './express-paths';
import { type DocumentedScheme, extensionsOf, securityOf } from './route-security';
import { OPENAPI_METHODS, readRoutes, recordAt, type RouteRecord } from './routes';
import { defaultSchemeName, type OpenApiSecurityProvider, securitySchemeOf } from './security-schemes';

const OWNER = 'openApiSecurity';
// OpenAPI 3.1 §4.8.7.1: the keys of `components` match this.
const COMPONENT_KEY = /^[a-zA-Z0-9._-]+$/;

/**
 * One backend to document, with the name and description of its scheme.
 *
 * @example
 * ```ts
 * const entry: OpenApiBackend = { backend: oauth2Backend, name: 'login', description: 'Sign in with your account.' };
 * ```
 */
export interface OpenApiBackend {
  /** A library backend, or any object implementing `OpenApiSecurityProvider`. Required. */
  readonly backend: AuthenticationBackend | OpenApiSecurityProvider;
  /**
   * The scheme's key in `components.securitySchemes` (letters, digits, `.`, `_`, `-`).
   * Default: `bearerAuth`, `cookieAuth`, `oauth2`, `apiKeyAuth`... by the scheme's type.
   */
  readonly name?: string;
  /** The scheme's description (CommonMark). Default: one sentence saying where the token goes. */
  readonly description?: string;
}

/**
 * Options of {@link openApiSecurity}.
 *
 * @example
 * ```ts
 * const options: OpenApiSecurityOptions = { app, backends: [{ backend: oauth2Backend }, { backend: cookieBackend }] };
 * ```
 */
export interface OpenApiSecurityOptions {
  /**
   * The backends to document, in order: each becomes a security scheme, and every secured
   * operation accepts any of them. Required, at least one.
   */
  readonly backends: readonly OpenApiBackend[];
  /**
   * The Express 4 or 5 application whose guards give each operation its `security`. Default:
   * none (only `components.securitySchemes` is filled in).
   */
  readonly app?: Application;
}

interface SchemeEntry extends DocumentedScheme {
  readonly scheme: oas31.SecuritySchemeObject;
}

function readEntries(backends: unknown): SchemeEntry[] {
  if (!Array.isArray(backends) || backends.length === 0) {
    throw new TypeError(`${OWNER}: "backends" must be a non-empty array of { backend, name?, description? }.`);
  }
  const entries: SchemeEntry[] = [];
  for (const entry of backends as unknown[]) {
    if (typeof entry !== 'object' || entry === null || !('backend' in entry)) {
      throw new TypeError(`${OWNER}: each of "backends" must be an object { backend, name?, description? }.`);
    }
    rejectUnknownOptions(`${OWNER} backends entry`, entry, ['backend', 'name', 'description']);
    const { backend, name, description } = entry as OpenApiBackend;
    if (description !== undefined && typeof description !== 'string') throw new TypeError(`${OWNER}: "description" must be a string.`);
    const base = securitySchemeOf(backend);
    const scheme = description === undefined ? base : { ...base, description };
    const key = name ?? defaultSchemeName(scheme);
    if (typeof key !== 'string' || !COMPONENT_KEY.test(key)) {
      throw new TypeError(`${OWNER}: a scheme "name" is made of letters, digits, ".", "_" and "-".`);
    }
    if (entries.some((other) => other.name === key)) {
      throw new TypeError(`${OWNER}: two backends would both be named "${key}"; give one of them another "name".`);
    }
    entries.push({ name: key, scheme, takesScopes: scheme.type === 'oauth2' || scheme.type === 'openIdConnect' });
  }
  return entries;
}

/** The path the first server URL adds before every path of the document, e.g. `/api`. */
function basePathOf(document: oas31.OpenAPIObject): string {
  const url = document.servers?.[0]?.url;
  // A server URL with variables cannot be resolved here; its paths are taken as they are.
  if (typeof url !== 'string' || url.includes('{')) return '';
  try {
    return new URL(url, 'http://relative.invalid/').pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * Whether a route serves a document path, as Express would dispatch it: segment by segment, a
 * route parameter takes any one segment; a document parameter needs a route parameter there.
 */
function serves(route: RouteRecord, documentPath: string): boolean {
  const routeSegments = pathKey(route.path).split('/');
  const documentSegments = pathKey(documentPath).split('/');
  return routeSegments.length === documentSegments.length
    && routeSegments.every((segment, index) => segment === documentSegments[index] || (segment === '{}' && documentSegments[index] !== ''));
}

function applySecurity(document: oas31.OpenAPIObject, app: Application, schemes: readonly DocumentedScheme[]): void {
  const { routes } = readRoutes(app);
  const base = basePathOf(document);
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (item === undefined || item.$ref !== undefined) continue;
    for (const method of OPENAPI_METHODS) {
      const operation = item[method];
      // The first route registered that serves the path is the one Express dispatches to.
      const route = operation === undefined ? undefined : routes.find((candidate) => candidate.method === method && serves(candidate, base + path));
      // Judged at the document's path: a guard on `/admin` covers `/admin` served by `/:page`.
      if (operation === undefined || route === undefined) continue;
      const record = recordAt(route, base + path);
      operation.security = securityOf(record, schemes);
      Object.assign(operation, extensionsOf(record));
    }
  }
}

/**
 * Adds authentication to an OpenAPI 3.1 document, and returns it as a new document (the input
 * is not modified): each backend's security scheme in `components.securitySchemes` (replacing
 * schemes of the same name), and, given the Express `app`, the `security` of every operation
 * whose route it finds, derived from the route's guards:
 *
 * | route | `security` |
 * |---|---|
 * | `authenticated()` | `[{ oauth2: [] }, { cookieAuth: [] }]`: any scheme, no scopes |
 * | `requires(['admin'])` | `[{ oauth2: ['admin'] }, { cookieAuth: [] }]`: scopes on OAuth2 schemes |
 * | no guard or `anonymousAllowed()`, behind the middleware | `[{}, { oauth2: [] }, { cookieAuth: [] }]`: optional |
 * | excluded from the middleware, or not behind one | `[]` |
 *
 * Claim guards count as `authenticated()` and add `x-required-claims` (the claims' names, never
 * their expected values); `authenticated({ acrValues, maxAge })` adds `x-step-up`
 * (`{ acr_values, max_age }`, RFC 9470). See `extensionsOf`.
 *
 * An operation is matched to the first route that serves it, as Express dispatches: by method
 * and path, case-insensitively, a trailing slash and parameter names aside, a route parameter
 * standing for any one segment (`/users/me` is served by `/users/:id` registered before it), with
 * the path of the first server URL in front (`servers: [{ url: '/api' }]` looks for `/api/users`
 * for `/users`). Guards mounted with `use()` are judged at the document's path: after
 * `app.use('/admin', requires('admin'))`, `GET /admin` served by `app.get('/:page')` requires
 * `admin`, `GET /{page}` does not. Operations without a matching route are left as they
 * are; see `readRoutes` for what the router walk cannot read. Throws a `TypeError` for a
 * document that is not OpenAPI 3.1, a backend without a scheme, or bad options.
 *
 * @example
 * ```ts
 * const document = openApiSecurity(baseDocument, { app, backends: [{ backend: oauth2Backend }] });
 * app.get('/openapi.json', (req, res) => res.json(document));
 * ```
 */
export function openApiSecurity<TDocument extends oas31.OpenAPIObject>(document: TDocument, options: OpenApiSecurityOptions): TDocument {
  if (typeof document !== 'object' || document === null || typeof document.openapi !== 'string' || !/^3\.1\.\d+/.test(document.openapi)) {
    throw new TypeError(`${OWNER}: "document" must be an OpenAPI 3.1 document ({ openapi: '3.1.0', info, paths }).`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: pass an options object, e.g. { backends: [{ backend }], app }.`);
  rejectUnknownOptions(OWNER, options, ['backends', 'app']);
  const entries = readEntries(options.backends);
  const result = structuredClone(document);
  result.components = {
    ...result.components,
    securitySchemes: {
      ...result.components?.securitySchemes,
      ...Object.fromEntries(entries.map((entry) => [entry.name, entry.scheme])),
    },
  };
  if (options.app !== undefined) applySecurity(result, options.app, entries);
  return result;
}
