import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Express, type Request } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { authenticationMiddleware, JWTAuthenticationBackend, requires } from '../../lib';
import { type McpAuthInfo, mcpHandler, type McpHttpTransport, protectedResourceMetadata } from '../../lib/mcp';

// An MCP server (stateful: one session per client, kept in memory) behind express-jwt-auth.
// It accepts the access tokens of one authorization server, for this resource only, and
// publishes the RFC 9728 metadata MCP clients discover it from.
//
//   MCP_ISSUER=https://auth.example.com npx tsx demo-app/examples/mcp-server.ts
//
// MCP_ISSUER: the authorization server's issuer URL (its key set is found by OpenID Connect
// discovery, or give MCP_JWKS_URI). PORT (default 3001): the port on 127.0.0.1; the resource is
// then http://localhost:<port>/mcp unless MCP_RESOURCE says otherwise.

/** Options of {@link createMcpExampleApp}. */
export interface McpExampleOptions {
  /** This server's resource URL, e.g. `https://mcp.example.com/mcp`; its path is where MCP is served. */
  readonly resource: string;
  /** The authorization server's issuer URL. */
  readonly issuer: string;
  /** Its key set. Default: found by OpenID Connect discovery from `issuer`. */
  readonly jwksUri?: string;
}

/** A session's transport, and the subject it belongs to: a session is never handed to another caller. */
interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly subject: unknown;
}

function buildMcpServer(): McpServer {
  const server = new McpServer({ name: 'express-jwt-auth-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Tells who is calling, as the server sees it.' }, (extra) => {
    const info = extra.authInfo as McpAuthInfo | undefined;
    const text = JSON.stringify({ subject: info?.extra?.subject, clientId: info?.clientId, scopes: info?.scopes, resource: info?.resource?.href });
    return { content: [{ type: 'text', text }] };
  });
  return server;
}

/**
 * The example's Express app: metadata, authentication, and MCP at the resource's path behind
 * `requires('mcp:tools')`.
 */
export function createMcpExampleApp(options: McpExampleOptions): Express {
  const { resource, issuer } = options;
  const backend = new JWTAuthenticationBackend({
    ...(options.jwksUri === undefined ? {} : { jwksUri: options.jwksUri }),
    issuer,
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    resource,
  });
  const sessions = new Map<string, Session>();

  // The session of the request's `mcp-session-id` when it belongs to this caller; a new one for
  // an initialize request; otherwise none (404, as for an expired session).
  async function transportFor(req: Request): Promise<McpHttpTransport | undefined> {
    const subject = req.auth?.payload?.sub;
    const id = req.header('mcp-session-id');
    if (id !== undefined) {
      const session = sessions.get(id);
      return session !== undefined && session.subject === subject ? session.transport : undefined;
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) return undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, { transport, subject });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await buildMcpServer().connect(transport);
    return transport;
  }

  const path = new URL(resource).pathname;
  const app = express();
  app.use(protectedResourceMetadata(backend, { resourceName: 'express-jwt-auth MCP example', app }));
  app.use(authenticationMiddleware(backend));
  const mcp = mcpHandler(transportFor, { resource });
  app.post(path, requires('mcp:tools'), express.json(), mcp);
  app.get(path, requires('mcp:tools'), mcp);
  app.delete(path, requires('mcp:tools'), mcp);
  return app;
}

if (require.main === module) {
  const issuer = process.env.MCP_ISSUER;
  if (issuer === undefined || issuer === '') {
    console.error('Set MCP_ISSUER to your authorization server\'s issuer URL, e.g. MCP_ISSUER=https://auth.example.com.');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3001);
  const resource = process.env.MCP_RESOURCE ?? `http://localhost:${port}/mcp`;
  const app = createMcpExampleApp({ resource, issuer, jwksUri: process.env.MCP_JWKS_URI });
  const server: Server = app.listen(port, '127.0.0.1', () => console.log(`MCP server for ${resource} on http://127.0.0.1:${port}`));
  process.on('SIGINT', () => server.close());
}
