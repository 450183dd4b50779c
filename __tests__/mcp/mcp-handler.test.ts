import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import request from 'supertest';
import { AuthCredentials, authenticationMiddleware, type JWTAuthenticationBackend, JWTUser } from '../../lib';
import { mcpAuthInfo, mcpHandler, type McpTransportLookup } from '../../lib/mcp';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { NOW } from '../helpers/tokens';

// The adapter between this library's credentials and the MCP SDK's AuthInfo. Both write
// `req.auth`, in different shapes: the SDK's transport must see an AuthInfo, every other
// handler this library's AuthCredentials.

const RESOURCE = 'https://mcp.example.com/mcp';

describe('mcpAuthInfo', () => {
  const token = 'header.payload.signature';
  const request = (auth: AuthCredentials | undefined, user?: unknown): Parameters<typeof mcpAuthInfo>[0] =>
    ({ auth, user }) as unknown as Parameters<typeof mcpAuthInfo>[0];

  it('is undefined for an anonymous request', () => {
    expect(mcpAuthInfo(request(AuthCredentials.anonymous))).toBeUndefined();
    expect(mcpAuthInfo(request(undefined))).toBeUndefined();
  });

  it('is undefined for credentials without a token, such as a passport session', () => {
    expect(mcpAuthInfo(request(new AuthCredentials(['authenticated', 'read'])))).toBeUndefined();
  });

  it('builds the SDK AuthInfo from the token credentials, without the library\'s own authenticated scope', () => {
    const payload = { sub: 'user-1', client_id: 'agent-7', scope: 'tools:read tools:call', exp: NOW + 60 };
    const user = new JWTUser(payload, token, 'username');
    const info = mcpAuthInfo(request(new AuthCredentials(['authenticated', 'tools:read', 'tools:call'], { token, payload }), user), { resource: RESOURCE });
    expect(info).toEqual({
      token,
      clientId: 'agent-7',
      scopes: ['tools:read', 'tools:call'],
      expiresAt: NOW + 60,
      resource: new URL(RESOURCE),
      extra: { subject: 'user-1', payload, user },
    });
  });

  it.each([
    ['client_id', { client_id: 'from-client-id', azp: 'from-azp' }, 'from-client-id'],
    ['azp, without client_id', { azp: 'from-azp' }, 'from-azp'],
    ['nothing, without either', {}, ''],
    ['nothing, for a client_id that is not a string', { client_id: 7 }, ''],
  ])('takes the client id from %s', (_case, payload, clientId) => {
    expect(mcpAuthInfo(request(new AuthCredentials(['authenticated'], { token, payload })))?.clientId).toBe(clientId);
  });

  it('leaves out expiresAt and resource when there are none', () => {
    const info = mcpAuthInfo(request(new AuthCredentials(['authenticated'], { token, payload: { sub: 'u' } })));
    expect(info).not.toHaveProperty('expiresAt');
    expect(info).not.toHaveProperty('resource');
  });

  it('returns a new object each time, so the SDK changing it never changes req.auth', () => {
    const credentials = new AuthCredentials(['authenticated', 'read'], { token, payload: {} });
    const info = mcpAuthInfo(request(credentials));
    info?.scopes.push('admin');
    expect(credentials.scopes).toEqual(['authenticated', 'read']);
    expect(mcpAuthInfo(request(credentials))?.scopes).toEqual(['read']);
  });
});

/** A stateless MCP server with one tool reporting what the SDK handed it as authInfo. */
async function statelessTransport(res: ServerResponse): Promise<StreamableHTTPServerTransport> {
  const server = new McpServer({ name: 'adapter-test', version: '1.0.0' });
  server.registerTool('authinfo', { description: 'Echoes the authInfo the SDK received.' }, (extra) => ({
    content: [{ type: 'text', text: JSON.stringify({ authInfo: extra.authInfo ?? null, isCredentials: extra.authInfo instanceof AuthCredentials }) }],
  }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  return transport;
}

interface ToolAnswer {
  readonly authInfo: { clientId?: string; scopes?: string[]; isAuthenticated?: boolean } | null;
  readonly isCredentials: boolean;
}

describe.each(EXPRESS_VERSIONS)('mcpHandler on %s', (_name, expressFactory) => {
  let server: LocalServer;
  let backend: JWTAuthenticationBackend;
  let listener: RequestListener = (_req, res) => res.end();
  let appErrors: unknown[];

  beforeAll(async () => {
    server = await listenLocally((req, res) => listener(req, res));
  });
  afterAll(() => server.close());

  function serve(route: (app: Express) => void): void {
    appErrors = [];
    backend = jwtBackend({ clock: Date.now });
    const app = expressFactory();
    app.use(authenticationMiddleware(backend));
    route(app);
    const onError: ErrorRequestHandler = (err, _req, res, _next) => {
      appErrors.push(err);
      res.status(500).json({ error: 'application_error' });
    };
    app.use(onError);
    listener = app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  }

  async function callTool(token?: string): Promise<ToolAnswer> {
    const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    const client = new Client({ name: 'adapter-test-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.origin}/mcp`), { requestInit: { headers } }));
    try {
      const result = await client.callTool({ name: 'authinfo', arguments: {} });
      return JSON.parse((result.content as { text: string }[])[0].text) as ToolAnswer;
    } finally {
      await client.close();
    }
  }

  const handler = (lookup: McpTransportLookup = (_req, res) => statelessTransport(res)): RequestHandler[] => [expressFactory.json(), mcpHandler(lookup)];

  it('hands the SDK an AuthInfo built from the token', async () => {
    serve((app) => app.post('/mcp', ...handler()));
    const answer = await callTool(backend.createToken({ sub: 'user-1', client_id: 'agent-7', scope: 'tools:read' }));
    expect(answer).toEqual({ isCredentials: false, authInfo: expect.objectContaining({ clientId: 'agent-7', scopes: ['tools:read'] }) });
  });

  it('hands the SDK no authInfo for an anonymous request on an unguarded route', async () => {
    serve((app) => app.post('/mcp', ...handler()));
    expect(await callTool()).toEqual({ authInfo: null, isCredentials: false });
  });

  it('is needed: called directly, the SDK transport takes the library\'s AuthCredentials for its AuthInfo', async () => {
    serve((app) => app.post('/mcp', expressFactory.json(), async (req, res) => {
      const transport = await statelessTransport(res);
      await transport.handleRequest(req as never, res, req.body);
    }));
    const answer = await callTool(backend.createToken({ sub: 'user-1', scope: 'tools:read' }));
    expect(answer.authInfo).toMatchObject({ isAuthenticated: true });
    expect(answer.authInfo).not.toHaveProperty('clientId');
  });

  it('answers 404 with a JSON-RPC error when the lookup finds no transport (an unknown session)', async () => {
    serve((app) => app.post('/mcp', ...handler(() => undefined)));
    const res = await request(server.origin).post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
  });

  it.each([
    ['throws', (): never => {
      throw new Error('session store down');
    }],
    ['rejects', (): Promise<never> => Promise.reject(new Error('session store down'))],
  ])('hands the application\'s error to next(err) when the lookup %s', async (_case, lookup) => {
    serve((app) => app.post('/mcp', ...handler(lookup)));
    const res = await request(server.origin).post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(res.status).toBe(500);
    expect(appErrors).toEqual([new Error('session store down')]);
  });

  it('hands next(err) a TypeError when the lookup returns something that is not a transport', async () => {
    serve((app) => app.post('/mcp', ...handler(() => ({}) as never)));
    const res = await request(server.origin).post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(res.status).toBe(500);
    expect(String(appErrors[0])).toMatch(/TypeError: mcpHandler: the lookup returned something without handleRequest/);
  });

  it('puts req.auth back even when the transport throws', async () => {
    let authAfter: unknown;
    serve((app) => {
      app.post('/mcp', mcpHandler(() => ({
        handleRequest(): Promise<void> {
          throw new Error('transport broke');
        },
      })));
      app.use(((err, req, res, _next) => {
        authAfter = req.auth;
        res.status(500).json({ error: String(err) });
      }) as ErrorRequestHandler);
    });
    const token = backend.createToken({ sub: 'user-1', scope: 'read' });
    const res = await request(server.origin).post('/mcp').set('Authorization', `Bearer ${token}`);
    expect(res.body).toEqual({ error: 'Error: transport broke' });
    expect(authAfter).toBeInstanceOf(AuthCredentials);
    expect((authAfter as AuthCredentials).payload).toMatchObject({ sub: 'user-1', scope: 'read' });
  });
});

describe('mcpHandler, when misconfigured', () => {
  it.each([
    ['a lookup that is not a function', 'transport', {}, /the first argument must be a function \(req, res\) returning the transport/],
    ['a non-canonical resource', () => undefined, { resource: 'https://MCP.example.com' }, /"resource" must be in canonical form/],
    ['a misspelt option', () => undefined, { resourceUrl: RESOURCE }, /unknown option "resourceUrl"/],
  ])('throws a TypeError for %s', (_case, lookup, options, message) => {
    const build = (): unknown => mcpHandler(lookup as McpTransportLookup, options as { resource?: string });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});
