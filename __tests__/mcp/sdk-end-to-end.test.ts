import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type express from 'express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import request from 'supertest';
import { AuthCredentials, authenticationMiddleware, JWTAuthenticationBackend, type JWTUser, requires } from '../../lib';
import { mcpHandler, protectedResourceMetadata } from '../../lib/mcp';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { type LocalAuthorizationServer, startAuthorizationServer } from '../helpers/authorization-server';
import { listenLocally, type LocalServer } from '../helpers/local-server';

// The Model Context Protocol's own client and server (@modelcontextprotocol/sdk) against this
// library and an authorization server written from scratch with jose, all on 127.0.0.1. The
// client knows only the MCP server's URL and its client credentials: it must find the
// authorization server from the 401's resource_metadata (RFC 9728 §5.1), ask it for a token for
// this resource (RFC 8707), and the server's tool must see who called through the SDK's AuthInfo.

const AGENT = { clientId: 'agent-7', clientSecret: 'agent-secret-0123456789', scopes: ['tools:read', 'tools:call'] } as const;

/** What the `whoami` tool reports of its `extra.authInfo`. */
interface WhoAmI {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly subject: unknown;
  readonly resource: string | undefined;
  readonly expiresAtIsNumber: boolean;
  readonly userIdentity: unknown;
  readonly tokenLength: number;
}

function whoAmI(authInfo: AuthInfo | undefined): WhoAmI {
  const extra = authInfo?.extra ?? {};
  return {
    clientId: authInfo?.clientId ?? '(none)',
    scopes: authInfo?.scopes ?? [],
    subject: extra.subject,
    resource: authInfo?.resource?.href,
    expiresAtIsNumber: typeof authInfo?.expiresAt === 'number',
    userIdentity: (extra.user as JWTUser | undefined)?.identity,
    tokenLength: authInfo?.token.length ?? 0,
  };
}

/** A stateless MCP server (one McpServer and transport per request, as the SDK's examples do) with one tool. */
async function connectStatelessServer(res: ServerResponse): Promise<StreamableHTTPServerTransport> {
  const server = new McpServer({ name: 'express-jwt-auth-test', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Reports what the server knows of its caller.' }, (extra) => ({
    content: [{ type: 'text', text: JSON.stringify(whoAmI(extra.authInfo)) }],
  }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  return transport;
}

/** What the resource server saw. */
interface Observed {
  /** Each request: method, path, status and `WWW-Authenticate`. */
  readonly exchanges: { method: string; path: string; status: number; challenge: string | undefined }[];
  /** What `req.auth` was when each MCP response finished: it must be this library's credentials again. */
  readonly authAfterMcp: unknown[];
  lookups: number;
}

describe.each(EXPRESS_VERSIONS)('An MCP server on %s behind express-jwt-auth', (_name, expressFactory) => {
  let as: LocalAuthorizationServer;
  let mcp: LocalServer;
  let resource: string;
  let metadataUrl: string;
  let app: express.Express;
  let observed: Observed;
  let listener: RequestListener = (_req, res) => res.end();

  beforeAll(async () => {
    as = await startAuthorizationServer([AGENT, { clientId: 'reader', clientSecret: 'reader-secret-0123456789', scopes: ['tools:read'] }]);
    mcp = await listenLocally((req, res) => listener(req, res));
    resource = `${mcp.origin}/mcp`;
    // The root form: a client that did not read the challenge would try the path-insertion
    // form (/.well-known/oauth-protected-resource/mcp) first.
    metadataUrl = `${mcp.origin}/.well-known/oauth-protected-resource`;
    const backend = new JWTAuthenticationBackend({
      jwksUri: as.jwksUri,
      issuer: as.issuer,
      algorithms: ['ES256'],
      type: 'at+jwt',
      resource,
      resourceMetadataUrl: metadataUrl,
    });
    app = expressFactory();
    app.use((req, res, next) => {
      res.on('finish', () => {
        observed.exchanges.push({ method: req.method, path: req.originalUrl, status: res.statusCode, challenge: res.getHeader('www-authenticate') as string | undefined });
      });
      next();
    });
    app.use(protectedResourceMetadata(backend, { resourceName: 'Test MCP server', scopesSupported: ['tools:read'], app }));
    app.use(authenticationMiddleware(backend));
    app.post('/mcp', requires('tools:call'), expressFactory.json(), mcpHandler((req, res) => {
      observed.lookups += 1;
      res.on('finish', () => observed.authAfterMcp.push(req.auth));
      return connectStatelessServer(res);
    }, { resource }));
    listener = app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  });

  afterAll(async () => {
    await mcp.close();
    await as.close();
  });

  beforeEach(() => {
    observed = { exchanges: [], authAfterMcp: [], lookups: 0 };
    as.tokenRequests.length = 0;
  });

  describe('when the SDK client connects knowing only the server URL and its client credentials', () => {
    let whoami: WhoAmI;

    beforeEach(async () => {
      const provider = new ClientCredentialsProvider({ clientId: AGENT.clientId, clientSecret: AGENT.clientSecret, expectedIssuer: as.issuer });
      const client = new Client({ name: 'express-jwt-auth-test-client', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
      try {
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        const [content] = result.content as { type: string; text: string }[];
        whoami = JSON.parse(content.text) as WhoAmI;
      } finally {
        await client.close();
      }
    });

    it('is first refused with 401 and a challenge that points at the metadata', () => {
      const [first] = observed.exchanges;
      expect(first).toEqual({ method: 'POST', path: '/mcp', status: 401, challenge: `Bearer realm="api", resource_metadata="${metadataUrl}"` });
    });

    it('reads the metadata at the URL of the challenge, not at a guessed one', () => {
      const metadataRequests = observed.exchanges.filter((exchange) => exchange.path.startsWith('/.well-known/'));
      expect(metadataRequests).toEqual([{ method: 'GET', path: '/.well-known/oauth-protected-resource', status: 200, challenge: undefined }]);
    });

    it('asks the authorization server the metadata names for a token for this resource', () => {
      // The SDK's client_credentials flow sends the client's own configured scope (none here), so
      // the authorization server grants every scope the client is registered for.
      expect(as.tokenRequests).toEqual([{ clientId: AGENT.clientId, scope: undefined, resources: [resource] }]);
    });

    it('gives the tool the caller as the SDK AuthInfo: client, scopes, subject, resource, expiry and user', () => {
      expect(whoami).toEqual({
        clientId: AGENT.clientId,
        scopes: ['tools:read', 'tools:call'],
        subject: AGENT.clientId,
        resource,
        expiresAtIsNumber: true,
        userIdentity: AGENT.clientId,
        tokenLength: expect.any(Number),
      });
      expect(whoami.tokenLength).toBeGreaterThan(100);
    });

    it('leaves req.auth as this library\'s credentials once the MCP transport has read it', () => {
      expect(observed.authAfterMcp.length).toBeGreaterThan(0);
      for (const auth of observed.authAfterMcp) {
        expect(auth).toBeInstanceOf(AuthCredentials);
        expect((auth as AuthCredentials).scopes).toEqual(['authenticated', 'tools:read', 'tools:call']);
      }
    });
  });

  describe('when a token lacks the scope the MCP route requires', () => {
    it('responds 403 insufficient_scope with the scope and the metadata URL, and the server never runs', async () => {
      const token = await as.mint({ sub: 'reader', client_id: 'reader', scope: 'tools:read', aud: resource });
      const res = await request(mcp.origin).post('/mcp').set('Authorization', `Bearer ${token}`).send({ jsonrpc: '2.0', id: 1, method: 'ping' });
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="tools:call", resource_metadata="${metadataUrl}"`,
      );
      expect(JSON.parse(res.text)).toMatchObject({ status: 403, error: 'insufficient_scope', scope: 'tools:call' });
      expect(observed.lookups).toBe(0);
    });
  });
});
