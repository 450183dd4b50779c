import type { Application, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Challenge } from '../core/challenge';
import { SCOPE_TOKEN, VISIBLE_ASCII } from '../core/grammar';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { canonicalResourceUrl, metadataPathOf, PROTECTED_RESOURCE_METADATA_PATH } from '../core/resource-url';
import { guardedScopes } from './guarded-scopes';

const OWNER = 'protectedResourceMetadata';

/**
 * What {@link protectedResourceMetadata} reads from a backend: a `JWTAuthenticationBackend`
 * fits.
 *
 * @example
 * ```ts
 * const source: ProtectedResourceBackend = new JWTAuthenticationBackend({ jwksUri, issuer, resource });
 * ```
 */
export interface ProtectedResourceBackend {
  /** The RFC 8707 resource URL the backend requires in `aud`. */
  readonly resource?: string | undefined;
  /** The issuers the backend accepts: the authorization servers. */
  readonly acceptedIssuers?: readonly string[];
  /** The header the backend reads tokens from, lower-cased. */
  readonly headerName?: string | undefined;
  /** The backend's challenge: its scheme tells whether the header carries Bearer tokens. */
  readonly challenge?: Challenge;
}

/**
 * The RFC 6750 ways of presenting a bearer token (RFC 9728 §2 `bearer_methods_supported`).
 *
 * @example
 * ```ts
 * const methods: readonly BearerMethod[] = ['header'];
 * ```
 */
export type BearerMethod = 'header' | 'body' | 'query';

/**
 * Options of {@link protectedResourceMetadata}. Each RFC 9728 §2 member it writes is named
 * after it, in camelCase.
 *
 * @example
 * ```ts
 * const options: ProtectedResourceMetadataOptions = { resourceName: 'Example MCP server', scopesSupported: ['tools:read'] };
 * ```
 */
export interface ProtectedResourceMetadataOptions {
  /** `resource`: this server's canonical resource URL. Default: the backend's `resource` (one of the two is required). */
  readonly resource?: string;
  /**
   * `authorization_servers`: the issuer URLs of the authorization servers whose tokens this
   * server accepts (RFC 8414 issuer identifiers). Default: the backend's `acceptedIssuers` (its
   * `issuer`, or each `issuers` entry's). At least one is required, as the MCP authorization
   * specification requires.
   */
  readonly authorizationServers?: readonly string[];
  /** `scopes_supported`: scopes a client may request for this server. Default: none besides those of `app`'s guards. */
  readonly scopesSupported?: readonly string[];
  /**
   * An Express app whose guards' scopes (`requires()`, `authenticated({ scopes })`) are added
   * to `scopes_supported`. They are read at the first request, once the routes exist.
   * Default: none.
   */
  readonly app?: Application;
  /**
   * `bearer_methods_supported`. Default: `['header']` when the backend reads `Authorization:
   * Bearer`, else `[]` (no RFC 6750 method: a custom header or a cookie).
   */
  readonly bearerMethodsSupported?: readonly BearerMethod[];
  /** `resource_name`: a human-readable name of this server. Default: none. */
  readonly resourceName?: string;
  /** `resource_documentation`: a URL of documentation for developers. Default: none. */
  readonly resourceDocumentation?: string;
  /** How long clients and caches may keep the document, in seconds (`Cache-Control: max-age`). Default: `3600`. */
  readonly maxAgeSec?: number;
}

/**
 * The RFC 9728 §2 protected-resource metadata document.
 *
 * @example
 * ```ts
 * const doc: ProtectedResourceMetadata = { resource: 'https://mcp.example.com/mcp', authorization_servers: ['https://auth.example.com'] };
 * ```
 */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly bearer_methods_supported?: readonly BearerMethod[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
}

const OPTION_NAMES = ['resource', 'authorizationServers', 'scopesSupported', 'app', 'bearerMethodsSupported', 'resourceName', 'resourceDocumentation', 'maxAgeSec'];
const BEARER_METHODS: readonly string[] = ['header', 'body', 'query'];

function stringList(name: string, value: unknown, valid: (item: string) => boolean, hint: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && valid(item))) {
    throw new TypeError(`${OWNER}: "${name}" must be an array of ${hint}.`);
  }
  return Object.freeze([...new Set(value as string[])]);
}

function readAuthorizationServers(backend: ProtectedResourceBackend, option: unknown): readonly string[] {
  const isUrl = (item: string): boolean => URL.canParse(item) && /^https?:$/.test(new URL(item).protocol);
  const given = stringList('authorizationServers', option, isUrl, 'issuer URLs, e.g. ["https://auth.example.com"]');
  const servers = given ?? backend.acceptedIssuers ?? [];
  if (servers.length === 0) {
    throw new TypeError(`${OWNER}: no authorization server: give the backend an "issuer", or pass "authorizationServers", e.g. ["https://auth.example.com"].`);
  }
  if (given === undefined && !servers.every(isUrl)) {
    throw new TypeError(`${OWNER}: the backend's issuers are not all URLs; pass "authorizationServers" with the authorization servers' issuer URLs.`);
  }
  return servers;
}

function optionalText(name: string, value: unknown, hint: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (value !== undefined && (typeof value !== 'string' || !/^[^\u0000-\u001f\u007f]+$/.test(value))) {
    throw new TypeError(`${OWNER}: "${name}" must be ${hint}.`);
  }
  return value;
}

function defaultBearerMethods(backend: ProtectedResourceBackend): readonly BearerMethod[] {
  const bearerHeader = backend.headerName === 'authorization' && backend.challenge?.scheme.toLowerCase() === 'bearer';
  return bearerHeader ? ['header'] : [];
}

/** The pathname of the request as the client sent it, whatever router it was mounted in. */
function requestPath(req: Request): string {
  const url = req.originalUrl;
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/**
 * Serves RFC 9728 protected-resource metadata, the document MCP clients read to learn which
 * authorization server issues tokens for this server: a middleware for `app.use()`, installed
 * before `authenticationMiddleware`, that answers `GET` and `HEAD` at
 * `/.well-known/oauth-protected-resource` and at its path-insertion form for the resource
 * (`/.well-known/oauth-protected-resource/mcp` for `https://mcp.example.com/mcp`, RFC 9728
 * §3.1), and passes every other request on. The answer is `application/json`, public
 * (`Cache-Control: public, max-age=3600`, an `ETag`, `Access-Control-Allow-Origin: *`, as browser
 * clients fetch it cross-origin) and built once, at the first request. Misconfiguration
 * (no resource, no authorization server, a non-canonical URL) throws a `TypeError` here.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ jwksUri: 'https://auth.example.com/jwks', issuer: 'https://auth.example.com', resource: 'https://mcp.example.com/mcp' });
 * app.use(protectedResourceMetadata(backend, { resourceName: 'Example MCP server', scopesSupported: ['tools:read'] }));
 * app.use(authenticationMiddleware(backend));
 * ```
 */
export function protectedResourceMetadata(backend: ProtectedResourceBackend, options: ProtectedResourceMetadataOptions = {}): RequestHandler {
  if (typeof backend !== 'object' || backend === null) {
    throw new TypeError(`${OWNER}: the first argument must be the backend, e.g. new JWTAuthenticationBackend({ ..., resource }).`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: "options" must be an object.`);
  rejectUnknownOptions(OWNER, options, OPTION_NAMES);
  const resourceOption = options.resource ?? backend.resource;
  if (resourceOption === undefined) {
    throw new TypeError(`${OWNER}: no resource URL: give the backend "resource", or pass "resource", e.g. "https://mcp.example.com/mcp".`);
  }
  const resource = canonicalResourceUrl(OWNER, 'resource', resourceOption);
  const authorizationServers = readAuthorizationServers(backend, options.authorizationServers);
  const configuredScopes = stringList('scopesSupported', options.scopesSupported, (item) => SCOPE_TOKEN.test(item), 'scope names') ?? [];
  const bearerMethods = stringList('bearerMethodsSupported', options.bearerMethodsSupported, (item) => BEARER_METHODS.includes(item), '"header", "body" or "query"') as readonly BearerMethod[] | undefined;
  const resourceName = optionalText('resourceName', options.resourceName, 'a non-empty string without control characters');
  const resourceDocumentation = optionalText('resourceDocumentation', options.resourceDocumentation, 'a URL');
  if (resourceDocumentation !== undefined && (!VISIBLE_ASCII.test(resourceDocumentation) || !URL.canParse(resourceDocumentation))) {
    throw new TypeError(`${OWNER}: "resourceDocumentation" must be an absolute URL.`);
  }
  const { app } = options;
  if (app !== undefined && typeof app !== 'function') throw new TypeError(`${OWNER}: "app" must be an Express application, e.g. express().`);
  checkNumber(OWNER, 'maxAgeSec', options.maxAgeSec, 0);
  const maxAgeSec = options.maxAgeSec ?? 3600;
  if (!Number.isInteger(maxAgeSec)) throw new TypeError(`${OWNER}: "maxAgeSec" must be a whole number of seconds.`);

  const paths: ReadonlySet<string> = new Set([PROTECTED_RESOURCE_METADATA_PATH, metadataPathOf(resource)]);
  const build = (): string => {
    const scopes = [...new Set([...configuredScopes, ...(app === undefined ? [] : guardedScopes(app))])];
    const metadata: ProtectedResourceMetadata = {
      resource,
      authorization_servers: authorizationServers,
      ...(scopes.length === 0 ? {} : { scopes_supported: scopes }),
      bearer_methods_supported: bearerMethods ?? defaultBearerMethods(backend),
      ...(resourceName === undefined ? {} : { resource_name: resourceName }),
      ...(resourceDocumentation === undefined ? {} : { resource_documentation: resourceDocumentation }),
    };
    return JSON.stringify(metadata);
  };
  let body: string | undefined;

  return function serveProtectedResourceMetadata(req: Request, res: Response, next: NextFunction): void {
    if (!paths.has(requestPath(req))) return next();
    if (req.method === 'OPTIONS') {
      res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': '*' });
      res.status(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    try {
      body ??= build();
    } catch (err) {
      next(err);
      return;
    }
    res.set({ 'Cache-Control': `public, max-age=${maxAgeSec}`, 'Access-Control-Allow-Origin': '*' });
    res.type('application/json');
    res.send(body);
  };
}
