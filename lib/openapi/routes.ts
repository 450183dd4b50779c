import type { Application } from 'express';
import { type MiddlewareMetadata, middlewareMetadataOf } from '../express/middleware-metadata';
import { type RouteAccess, routeAccessOf } from '../express/route-access';
import { joinPaths, type PathSyntax, pathKey, toOpenApiPaths } from './express-paths';
import { mountPathsOf, type RouterLayer } from './mount-paths';

/**
 * The HTTP methods an OpenAPI Path Item can describe.
 *
 * @example
 * ```ts
 * const method: OpenApiMethod = 'get';
 * ```
 */
export type OpenApiMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** Every {@link OpenApiMethod}, in the order the OpenAPI specification lists them. */
export const OPENAPI_METHODS: readonly OpenApiMethod[] = Object.freeze(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * One operation of the app, as the router dispatches it: its full path as an OpenAPI
 * template, its method, what its guards declare, and the authentication middleware in front.
 *
 * @example
 * ```ts
 * const admin = readRoutes(app).routes.find((route) => route.path === '/admin' && route.method === 'get');
 * admin?.access; // { kind: 'authenticated', scopes: ['admin'] }
 * ```
 */
export interface RouteRecord {
  /** The full path, with mount paths, as an OpenAPI template: `/api/users/{id}`. */
  readonly path: string;
  readonly method: OpenApiMethod;
  /**
   * What the guards on the route, and those installed with `use()` before it, declare:
   * `authenticated` with the union of their scopes when any requires authentication, else
   * `anonymous` for `anonymousAllowed()`; `undefined` without guards.
   */
  readonly access: RouteAccess | undefined;
  /** The last `authenticationMiddleware` installed before the route on its path, if any. */
  readonly middleware: MiddlewareMetadata | undefined;
}

/**
 * A route or router that could not be read, and why.
 *
 * @example
 * ```ts
 * for (const { path, reason } of readRoutes(app).skipped) console.warn(`OpenAPI: skipped ${reason} under ${path}`);
 * ```
 */
export interface SkippedRoute {
  /** The full path of what was skipped, as far as it is known (the mount path of its parent). */
  readonly path: string;
  readonly reason: string;
}

/**
 * What {@link readRoutes} found.
 *
 * @example
 * ```ts
 * const { routes, skipped }: RouteListing = readRoutes(app);
 * ```
 */
export interface RouteListing {
  readonly routes: readonly RouteRecord[];
  readonly skipped: readonly SkippedRoute[];
}

/** Something that applies to the layers after it whose path starts with `prefix`. */
interface Scoped<T> {
  readonly prefix: string;
  readonly value: T;
}

/** What the layers of one router inherit from the routers above them, and add as they go. */
interface Scope {
  readonly prefix: string;
  readonly middlewares: Scoped<MiddlewareMetadata>[];
  readonly guards: Scoped<RouteAccess>[];
}

/** What decides a route's access and middleware, kept to judge it again at a more precise path. */
interface RouteContext {
  /** The application: its Express major decides the syntax of the middleware's `exclude`. */
  readonly app: Application;
  readonly middlewares: readonly Scoped<MiddlewareMetadata>[];
  readonly guards: readonly Scoped<RouteAccess>[];
  /** The middleware and guards among the route's own handlers for this method, in order. */
  readonly ownMiddlewares: readonly MiddlewareMetadata[];
  readonly ownAccesses: readonly RouteAccess[];
}

// Not a field of RouteRecord: the public record stays plain data.
const CONTEXTS = new WeakMap<RouteRecord, RouteContext>();

/** The record of a route as judged at `path`, which must be `route.path` or one of its values. */
function judge(path: string, method: OpenApiMethod, context: RouteContext): RouteRecord {
  const applying = <T>(scoped: readonly Scoped<T>[]): T[] => scoped.filter((entry) => isUnder(path, entry.prefix)).map((entry) => entry.value);
  const record: RouteRecord = {
    path,
    method,
    access: combine([...applying(context.guards), ...context.ownAccesses]),
    middleware: [...applying(context.middlewares), ...context.ownMiddlewares].at(-1),
  };
  CONTEXTS.set(record, context);
  return record;
}

/**
 * A route's record for one concrete path it serves (a document path where the route has a
 * parameter): a guard mounted at `/admin` applies to `GET /admin` served by `/:page`, not to
 * the route as a whole. Returns `route` itself for a record `readRoutes` did not make.
 *
 * @example
 * ```ts
 * recordAt(pageRoute, '/admin').access; // { kind: 'authenticated', scopes: ['admin'] } after app.use('/admin', requires('admin'))
 * ```
 */
export function recordAt(route: RouteRecord, path: string): RouteRecord {
  const context = CONTEXTS.get(route);
  return context === undefined ? route : judge(path, route.method, context);
}

/**
 * The application a record of `readRoutes` was read from, for what depends on its Express major
 * (the path syntax of the middleware's `exclude`); `undefined` for a record made otherwise.
 *
 * @example
 * ```ts
 * route.middleware?.isExcluded({ method: 'GET', url: route.path, app: appOf(route) });
 * ```
 */
export function appOf(route: RouteRecord): Application | undefined {
  return CONTEXTS.get(route)?.app;
}

interface RouteLike {
  readonly path?: unknown;
  readonly methods?: unknown;
  readonly stack?: unknown;
}

interface RouterTree {
  readonly stack: readonly RouterLayer[];
  readonly syntax: PathSyntax;
}

function stackOf(value: unknown): readonly RouterLayer[] | undefined {
  const stack = (value as { stack?: unknown } | null | undefined)?.stack;
  return Array.isArray(stack) ? (stack as RouterLayer[]) : undefined;
}

/**
 * The router of an Express application. Express 5 documents `app.router`; Express 4 keeps it in
 * `app._router`, created by the first route (and its `app.router` throws), and is the one with
 * `app.lazyrouter()`.
 */
function routerOf(app: unknown): RouterTree | undefined {
  const record = app as Record<string, unknown>;
  if (typeof record.lazyrouter === 'function') return { stack: stackOf(record._router) ?? [], syntax: 'express4' };
  const stack = stackOf(record.router);
  return stack === undefined ? undefined : { stack, syntax: 'express5' };
}

function isApplication(value: unknown): boolean {
  const app = value as { handle?: unknown; set?: unknown } | null;
  return typeof value === 'function' && typeof app?.handle === 'function' && typeof app.set === 'function';
}

/**
 * Whether every request to `path` falls under a mount path, segment by segment. A parameter of
 * the mount path matches any one segment; a parameter (or wildcard) of `path` matches only a
 * parameter of the mount path: `/:page` is under `/admin` for one value of `page` alone, and a
 * guard on `/admin` does not protect `/welcome`.
 */
function isUnder(path: string, prefix: string): boolean {
  const pathSegments = pathKey(path).split('/');
  const prefixSegments = pathKey(prefix).split('/').filter((segment, index) => index === 0 || segment !== '');
  if (prefixSegments.length > pathSegments.length) return false;
  return prefixSegments.every((segment, index) => (segment === '{}' ? pathSegments[index] !== '' : segment === pathSegments[index]));
}

/** Combines guards: the strictest wins, required scopes and checked claims add up, the first step-up requirement stands. */
function combine(accesses: readonly RouteAccess[]): RouteAccess | undefined {
  const required = accesses.filter((access): access is Extract<RouteAccess, { kind: 'authenticated' }> => access.kind === 'authenticated');
  if (required.length > 0) {
    const claims = [...new Set(required.flatMap((access) => access.claims ?? []))];
    const stepUp = required.find((access) => access.stepUp !== undefined)?.stepUp;
    return {
      kind: 'authenticated',
      scopes: [...new Set(required.flatMap((access) => access.scopes))],
      ...(claims.length === 0 ? {} : { claims }),
      ...(stepUp === undefined ? {} : { stepUp }),
    };
  }
  return accesses.length > 0 ? { kind: 'anonymous' } : undefined;
}

function methodsOf(route: RouteLike): OpenApiMethod[] {
  const methods = typeof route.methods === 'object' && route.methods !== null ? (route.methods as Record<string, unknown>) : {};
  // Old Express 4 releases record `.all()` as `_all`; newer ones and Express 5 list every method.
  const listed = methods._all === true ? [...OPENAPI_METHODS] : OPENAPI_METHODS.filter((method) => methods[method] === true);
  // Express answers HEAD with the GET route when there is no HEAD route.
  if (listed.includes('get') && !listed.includes('head')) listed.push('head');
  return listed;
}

/** Walks router stacks, collecting routes and what it had to skip. */
class RouteReader {
  readonly routes: RouteRecord[] = [];
  readonly skipped: SkippedRoute[] = [];

  constructor(
    private readonly app: Application,
    private readonly syntax: PathSyntax,
  ) {}

  walk(stack: readonly RouterLayer[], scope: Scope): void {
    for (const layer of stack) {
      if (layer.route !== undefined && layer.route !== null) {
        this.readRoute(layer.route as RouteLike, scope);
        continue;
      }
      const where = scope.prefix === '' ? '/' : scope.prefix;
      if ((layer.handle as { name?: unknown } | null)?.name === 'mounted_app') {
        // app.use(path, otherApp) wraps the sub-application in a closure (both majors).
        this.skipped.push({ path: where, reason: 'a sub-application, whose router cannot be reached; mount an express.Router() instead' });
        continue;
      }
      const metadata = middlewareMetadataOf(layer.handle);
      const access = routeAccessOf(layer.handle);
      const childStack = stackOf(layer.handle);
      if (metadata === undefined && access === undefined && childStack === undefined) continue;
      const mount = mountPathsOf(layer, this.syntax);
      if (mount.reason !== undefined) {
        this.skipped.push({ path: where, reason: `${childStack === undefined ? 'a middleware or guard' : 'a router'} mounted at ${mount.reason}` });
        continue;
      }
      for (const template of mount.templates) {
        const prefix = joinPaths(scope.prefix, template);
        if (metadata !== undefined) scope.middlewares.push({ prefix, value: metadata });
        if (access !== undefined) scope.guards.push({ prefix, value: access });
        // A nested router: what it installs stays inside it; what is installed above applies.
        if (childStack !== undefined) this.walk(childStack, { prefix, middlewares: [...scope.middlewares], guards: [...scope.guards] });
      }
    }
  }

  private readRoute(route: RouteLike, scope: Scope): void {
    const conversion = toOpenApiPaths(route.path, this.syntax);
    if (conversion.reason !== undefined) {
      this.skipped.push({ path: scope.prefix === '' ? '/' : scope.prefix, reason: `a route at ${conversion.reason}` });
      return;
    }
    const layers = Array.isArray(route.stack) ? (route.stack as (RouterLayer & { method?: unknown })[]) : [];
    // Without HEAD handlers of its own, a route answers HEAD with its GET handlers.
    const headMethod = layers.some((layer) => layer.method === 'head') ? 'head' : 'get';
    // The guards and middlewares so far: the scope's lists grow as the walk goes on.
    const inherited = { app: this.app, middlewares: [...scope.middlewares], guards: [...scope.guards] };
    for (const template of conversion.templates) {
      const path = joinPaths(scope.prefix, template);
      for (const method of methodsOf(route)) {
        const handlers = layers
          .filter((layer) => layer.method === undefined || layer.method === (method === 'head' ? headMethod : method))
          .map((layer) => layer.handle);
        this.routes.push(judge(path, method, {
          ...inherited,
          ownMiddlewares: handlers.map(middlewareMetadataOf).filter((found) => found !== undefined),
          ownAccesses: handlers.map(routeAccessOf).filter((found) => found !== undefined),
        }));
      }
    }
  }
}

/**
 * Lists the operations of an Express 4 or 5 application by walking its router: every route,
 * with mount paths of nested routers and sub-applications, the guards that apply to it (on the
 * route, or installed with `use()` before it) and the `authenticationMiddleware` in front of it.
 *
 * Limits, all reported in `skipped` rather than guessed: routes with a RegExp path or (Express
 * 4) regular expression syntax; routers and middleware mounted at a RegExp, or (Express 4) at a
 * path with more than literal segments and `:name` parameters, or (Express 5 before 5.3) at any
 * path but `/`. A middleware or guard applies to the routes after it in its own router and the
 * routers mounted there, not to routes its parent router registers after it, and only where its
 * mount path covers every value of the route's path: `app.use('/admin', requires('admin'))`
 * does not apply to `app.get('/:page')`, which it guards for one value alone. Throws a
 * `TypeError` when `app` is not an Express application.
 *
 * @example
 * ```ts
 * const { routes, skipped } = readRoutes(app);
 * // routes: [{ path: '/admin', method: 'get', access: { kind: 'authenticated', scopes: ['admin'] }, middleware }, ...]
 * ```
 */
export function readRoutes(app: Application): RouteListing {
  const tree = isApplication(app) ? routerOf(app) : undefined;
  if (tree === undefined) throw new TypeError('readRoutes: "app" must be an Express 4 or 5 application, e.g. express().');
  const reader = new RouteReader(app, tree.syntax);
  reader.walk(tree.stack, { prefix: '', middlewares: [], guards: [] });
  return { routes: reader.routes, skipped: reader.skipped };
}
