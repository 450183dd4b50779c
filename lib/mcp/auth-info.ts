import type { IncomingMessage } from 'node:http';
import { canonicalResourceUrl } from '../core/resource-url';
import type { AuthCredentials, TokenPayload } from '../credentials';

/**
 * The `AuthInfo` of `@modelcontextprotocol/sdk` (`server/auth/types`), declared here so that
 * this package needs the SDK only for its types: the MCP server's tools receive it as
 * `extra.authInfo`. `extra` carries the verified claims (`payload`) and the request's user
 * (`user`, what the backend identified: a `JWTUser` or what `retrieveUser` returns).
 *
 * @example
 * ```ts
 * server.registerTool('whoami', { description: 'Who is calling' }, (extra) => {
 *   const info = extra.authInfo as McpAuthInfo | undefined;
 *   return { content: [{ type: 'text', text: String(info?.extra?.subject) }] };
 * });
 * ```
 */
export interface McpAuthInfo {
  /** The access token. */
  token: string;
  /** The client the token was issued to: its `client_id` claim (RFC 9068), else `azp`, else `''`. */
  clientId: string;
  /** The token's scopes, as `req.auth.scopes` holds them, without the backend's own `authenticated`. */
  scopes: string[];
  /** When the token expires, in seconds since the epoch (its `exp`). */
  expiresAt?: number;
  /** The RFC 8707 resource the token was checked for (the `resource` option). */
  resource?: URL;
  /** `subject` (the `sub` claim), `payload` (every verified claim) and `user` (`req.user`). */
  extra?: Record<string, unknown>;
}

/**
 * Options of {@link mcpAuthInfo} and {@link mcpHandler}.
 *
 * @example
 * ```ts
 * const options: McpAuthInfoOptions = { resource: 'https://mcp.example.com/mcp' };
 * ```
 */
export interface McpAuthInfoOptions {
  /**
   * The resource the tokens were checked for, set as `AuthInfo.resource`: the backend's
   * `resource`. Default: none (`resource` is left out).
   */
  readonly resource?: string;
}

/** The options of the MCP adapter, read once; `owner` names the caller in messages. */
export function readMcpAuthInfoOptions(owner: string, options: McpAuthInfoOptions): McpAuthInfoOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${owner}: "options" must be an object.`);
  for (const key of Object.keys(options)) {
    if (key !== 'resource') throw new TypeError(`${owner}: unknown option "${key}". Known options: resource.`);
  }
  return options.resource === undefined ? {} : { resource: canonicalResourceUrl(owner, 'resource', options.resource) };
}

function clientIdOf(payload: TokenPayload): string {
  const { client_id: clientId, azp } = payload;
  if (typeof clientId === 'string') return clientId;
  return typeof azp === 'string' ? azp : '';
}

/**
 * The MCP SDK's `AuthInfo` of a request, built from what `authenticationMiddleware` found
 * (`req.auth`, `req.user`); `undefined` for an anonymous request and for credentials without
 * a token (a session cookie of passport, an API key). A new object each time: the SDK's
 * handlers may change it without touching `req.auth`.
 *
 * @example
 * ```ts
 * app.get('/whoami', authenticated((req, res) => res.json(mcpAuthInfo(req)?.scopes)));
 * ```
 */
export function mcpAuthInfo(req: IncomingMessage & { readonly auth?: AuthCredentials | undefined; readonly user?: unknown }, options: McpAuthInfoOptions = {}): McpAuthInfo | undefined {
  const credentials = req.auth;
  const { token, payload } = credentials ?? {};
  if (credentials?.isAuthenticated !== true || token === undefined || payload === undefined) return undefined;
  const { exp, sub } = payload;
  return {
    token,
    clientId: clientIdOf(payload),
    // `authenticated` is this library's marker of an authenticated request, not an OAuth scope.
    scopes: credentials.scopes.filter((scope) => scope !== 'authenticated'),
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
    ...(options.resource === undefined ? {} : { resource: new URL(options.resource) }),
    extra: { subject: typeof sub === 'string' ? sub : undefined, payload, user: req.user },
  };
}
