import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import request from 'supertest';
import { createMcpExampleApp } from '../../demo-app/examples/mcp-server';
import { type LocalAuthorizationServer, startAuthorizationServer } from '../helpers/authorization-server';
import { listenLocally, type LocalServer } from '../helpers/local-server';

// The stateful MCP example (demo-app/examples/mcp-server.ts), run as written against a local
// authorization server, with the SDK's own client.

const ALICE = { clientId: 'alice-agent', clientSecret: 'alice-secret-0123456789', scopes: ['mcp:tools'] } as const;
const BOB = { clientId: 'bob-agent', clientSecret: 'bob-secret-0123456789', scopes: ['mcp:tools'] } as const;

describe('The MCP example server', () => {
  let as: LocalAuthorizationServer;
  let server: LocalServer;
  let resource: string;
  let listener: RequestListener = (_req, res) => res.end();

  beforeAll(async () => {
    as = await startAuthorizationServer([ALICE, BOB]);
    server = await listenLocally((req, res) => listener(req, res));
    resource = `${server.origin}/mcp`;
    const app = createMcpExampleApp({ resource, issuer: as.issuer, jwksUri: as.jwksUri });
    listener = app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  });

  afterAll(async () => {
    await server.close();
    await as.close();
  });

  async function connect(agent: typeof ALICE | typeof BOB): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const provider = new ClientCredentialsProvider({ clientId: agent.clientId, clientSecret: agent.clientSecret, expectedIssuer: as.issuer });
    const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
    const client = new Client({ name: 'example-test-client', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  }

  it('serves an SDK client that discovers the authorization server on its own, in a session', async () => {
    const { client, transport } = await connect(ALICE);
    try {
      expect(transport.sessionId).toEqual(expect.any(String));
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const text = (result.content as { text: string }[])[0].text;
      expect(JSON.parse(text)).toEqual({ subject: ALICE.clientId, clientId: ALICE.clientId, scopes: ['mcp:tools'], resource });
    } finally {
      await client.close();
    }
  });

  it('refuses another caller\'s session with 404, even with a valid token', async () => {
    const alice = await connect(ALICE);
    try {
      const bobToken = await as.mint({ sub: BOB.clientId, client_id: BOB.clientId, scope: 'mcp:tools', aud: resource });
      const res = await request(server.origin)
        .post('/mcp')
        .set('Authorization', `Bearer ${bobToken}`)
        .set('mcp-session-id', alice.transport.sessionId ?? '')
        .set('Accept', 'application/json, text/event-stream')
        .send({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
    } finally {
      await alice.client.close();
    }
  });

  it('refuses a token issued for another MCP server with 401 and the metadata URL', async () => {
    const token = await as.mint({ sub: ALICE.clientId, client_id: ALICE.clientId, scope: 'mcp:tools', aud: 'https://other-mcp.example.com/mcp' });
    const res = await request(server.origin).post('/mcp').set('Authorization', `Bearer ${token}`).send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="The access token has a claim with an unexpected value.", resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_token', reason: 'claim_mismatch', claim: 'aud' });
  });

  it('publishes its metadata with the scope its guards require', async () => {
    const res = await request(server.origin).get('/.well-known/oauth-protected-resource/mcp');
    expect(JSON.parse(res.text)).toEqual({
      resource,
      authorization_servers: [as.issuer],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
      resource_name: 'express-jwt-auth MCP example',
    });
  });
});
