import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isThenable } from '../core/thenable';
import { type McpAuthInfo, mcpAuthInfo, type McpAuthInfoOptions, readMcpAuthInfoOptions } from './auth-info';

/**
 * What {@link mcpHandler} calls: the SDK's `StreamableHTTPServerTransport` (and its SSE
 * transport) fit, without this package importing the SDK.
 *
 * @example
 * ```ts
 * const transport: McpHttpTransport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
 * ```
 */
export interface McpHttpTransport {
  handleRequest(req: IncomingMessage & { auth?: McpAuthInfo }, res: ServerResponse, parsedBody?: unknown): Promise<void>;
}

/**
 * Finds the transport of a request: a fixed one, or (stateful servers) the one of its
 * `mcp-session-id`, connected on the first request. May be async.
 *
 * @example
 * ```ts
 * const transportFor: McpTransportLookup = () => transport;
 * ```
 */
export type McpTransportLookup = (req: Request, res: Response) => McpHttpTransport | undefined | Promise<McpHttpTransport | undefined>;

type AuthSlot = { auth?: unknown };

/**
 * Calls `handle` with `req.auth` reading `authInfo`, then puts back what `req.auth` was: the
 * SDK reads `req.auth` in the synchronous start of `handleRequest`, so the swap lasts no longer
 * than that call, and `req.auth` is this library's `AuthCredentials` again before any other
 * code of the request runs.
 */
function withAuthInfo<T>(req: Request, authInfo: McpAuthInfo | undefined, handle: () => T): T {
  const slot = req as AuthSlot;
  const own = Object.getOwnPropertyDescriptor(slot, 'auth');
  Object.defineProperty(slot, 'auth', { value: authInfo, configurable: true, enumerable: false, writable: true });
  try {
    return handle();
  } finally {
    if (own === undefined) delete slot.auth;
    else Object.defineProperty(slot, 'auth', own);
  }
}

/**
 * Hands a request to an MCP server built with `@modelcontextprotocol/sdk`, with the SDK's
 * `AuthInfo` built from this library's credentials ({@link mcpAuthInfo}): the tools see the
 * token, client, scopes, expiry, resource and user as `extra.authInfo`. It solves the
 * `req.auth` collision: the SDK's transport reads `req.auth` in its own shape, which is
 * `AuthCredentials` here; the handler shows the transport an `AuthInfo` in `req.auth` for the
 * duration of its `handleRequest` call only, and every other handler keeps reading
 * `AuthCredentials`. Guard the route (`requires()`, `authenticated()`) first: an anonymous
 * request would reach the server with no `authInfo`. Parse the body before it
 * (`express.json()`); it is passed on as the SDK's `parsedBody`. A lookup that returns no
 * transport gets 404 (an unknown MCP session); errors go to `next(err)`.
 *
 * @example
 * ```ts
 * const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
 * await server.connect(transport);
 * app.post('/mcp', requires('tools:call'), express.json(), mcpHandler(() => transport, { resource: 'https://mcp.example.com/mcp' }));
 * ```
 */
export function mcpHandler(transportFor: McpTransportLookup, options: McpAuthInfoOptions = {}): RequestHandler {
  if (typeof transportFor !== 'function') {
    throw new TypeError('mcpHandler: the first argument must be a function (req, res) returning the transport, e.g. () => transport.');
  }
  const settings = readMcpAuthInfoOptions('mcpHandler', options);

  function handle(transport: McpHttpTransport | undefined, req: Request, res: Response, next: NextFunction): void {
    if (transport === undefined) {
      res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      return;
    }
    if (typeof transport?.handleRequest !== 'function') {
      next(new TypeError('mcpHandler: the lookup returned something without handleRequest(req, res, body); return the SDK transport.'));
      return;
    }
    const authInfo = mcpAuthInfo(req, settings);
    const body: unknown = req.body;
    const message = req as unknown as IncomingMessage & { auth?: McpAuthInfo };
    let handled: Promise<void>;
    try {
      handled = Promise.resolve(withAuthInfo(req, authInfo, () => transport.handleRequest(message, res, body)));
    } catch (err) {
      next(err);
      return;
    }
    handled.then(undefined, next);
  }

  return function mcpRequestHandler(req: Request, res: Response, next: NextFunction): void {
    let found: ReturnType<McpTransportLookup>;
    try {
      found = transportFor(req, res);
    } catch (err) {
      next(err);
      return;
    }
    if (isThenable<McpHttpTransport | undefined>(found)) Promise.resolve(found).then((transport) => handle(transport, req, res, next), next);
    else handle(found, req, res, next);
  };
}
