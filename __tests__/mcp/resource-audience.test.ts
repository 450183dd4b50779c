import request from 'supertest';
import { authenticated, JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend, type Probe } from '../helpers/apps';
import { expectRejection, REASON_DESCRIPTIONS } from '../helpers/expectations';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';

// RFC 8707 resource indicators as the MCP authorization specification uses them: a backend with
// `resource` accepts only tokens whose `aud` contains this server's resource URL, so a token
// issued for another MCP server is refused here; and every challenge names the RFC 9728
// metadata (§5.1), so that a client can discover how to get a token.

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

function challengeOf(reason: keyof typeof REASON_DESCRIPTIONS, metadataUrl = METADATA_URL): string {
  return `Bearer realm="api", error="invalid_token", error_description="${REASON_DESCRIPTIONS[reason]}", resource_metadata="${metadataUrl}"`;
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with a resource, on %s', (_name, expressFactory) => {
  let server: LocalServer | undefined;
  let probe: Probe;

  async function serve(options: Partial<JWTAuthenticationBackendOptions>): Promise<string> {
    const built = buildApp({ expressFactory, backend: jwtBackend(options), guards: [authenticated()] });
    probe = built.probe;
    server = await listenLocally(built.app);
    return server.origin;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const get = (origin: string, token?: string): request.Test => {
    const test = request(origin).get('/probe');
    return token === undefined ? test : test.set('Authorization', `Bearer ${token}`);
  };

  describe('when the token\'s aud is the resource', () => {
    it('accepts a single aud equal to the resource URL', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims({ aud: RESOURCE })));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('accepts an aud list that contains the resource URL among others', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims({ aud: ['https://other.example.com/api', RESOURCE] })));
      expect(res.status).toBe(200);
    });
  });

  describe('when the token was issued for another resource', () => {
    it('responds 401 invalid_token claim_mismatch on aud, with resource_metadata, and the handler does not run', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims({ aud: 'https://other-mcp.example.com/mcp' })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch') });
      expect(JSON.parse(res.text)).toMatchObject({ claim: 'aud' });
      // The expected value is never echoed.
      expect(res.text).not.toContain(RESOURCE);
    });

    it('refuses an aud that differs from the resource only by a trailing slash, as the comparison is exact', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims({ aud: `${RESOURCE}/` })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch') });
    });

    it('refuses a token without aud as missing_claim', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims()));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'missing_claim', challenge: challengeOf('missing_claim') });
    });

    it('refuses an aud that is not a string or a list of strings as malformed', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin, signToken(claims({ aud: [RESOURCE, 7] })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: challengeOf('malformed') });
    });
  });

  describe('when audience is configured too', () => {
    it('requires both: an aud matching audience but not the resource is refused', async () => {
      const origin = await serve({ resource: RESOURCE, audience: 'legacy-api' });
      const res = await get(origin, signToken(claims({ aud: 'legacy-api' })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch') });
    });

    it('requires both: the resource alone, without the audience, is refused', async () => {
      const origin = await serve({ resource: RESOURCE, audience: 'legacy-api' });
      const res = await get(origin, signToken(claims({ aud: RESOURCE })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch') });
    });

    it('accepts an aud list holding both', async () => {
      const origin = await serve({ resource: RESOURCE, audience: 'legacy-api' });
      const res = await get(origin, signToken(claims({ aud: ['legacy-api', RESOURCE] })));
      expect(res.status).toBe(200);
    });
  });

  describe('when the backend trusts several issuers', () => {
    const issuers = [
      { issuer: 'https://idp-a.example', audience: /.*/, secretKey: SECRET, algorithms: ['HS256' as const] },
      { issuer: 'https://idp-b.example', audience: /.*/, secretKey: SECRET, algorithms: ['HS256' as const] },
    ];

    it('requires the resource in aud whichever issuer signed the token', async () => {
      const origin = await serve({ secretKey: undefined, issuers, resource: RESOURCE });
      expect((await get(origin, signToken(claims({ iss: 'https://idp-b.example', aud: RESOURCE })))).status).toBe(200);
      probe.handlerRan = false;
      const res = await get(origin, signToken(claims({ iss: 'https://idp-b.example', aud: 'https://other-mcp.example.com/mcp' })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch') });
    });

    it('lists each entry\'s issuer as accepted', () => {
      expect(jwtBackend({ secretKey: undefined, issuers, resource: RESOURCE }).acceptedIssuers).toEqual(['https://idp-a.example', 'https://idp-b.example']);
    });
  });

  describe('the challenges', () => {
    it('ends the bare 401 of a guard with the resource_metadata derived from the resource by path insertion', async () => {
      const origin = await serve({ resource: RESOURCE });
      const res = await get(origin);
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: `Bearer realm="api", resource_metadata="${METADATA_URL}"` });
    });

    it('uses resourceMetadataUrl as given', async () => {
      const metadataUrl = 'https://mcp.example.com/.well-known/oauth-protected-resource';
      const origin = await serve({ resource: RESOURCE, resourceMetadataUrl: metadataUrl });
      const res = await get(origin, signToken(claims({ aud: 'elsewhere' })));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'claim_mismatch', challenge: challengeOf('claim_mismatch', metadataUrl) });
    });

    it('writes resource_metadata without resource when only resourceMetadataUrl is given, and checks no aud', async () => {
      const metadataUrl = 'https://api.example.com/.well-known/oauth-protected-resource';
      const origin = await serve({ resourceMetadataUrl: metadataUrl });
      expect((await get(origin, signToken(claims()))).status).toBe(200);
      probe.handlerRan = false;
      const res = await get(origin);
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: `Bearer realm="api", resource_metadata="${metadataUrl}"` });
    });

    it('writes no resource_metadata without either option', async () => {
      const origin = await serve({});
      const res = await get(origin);
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });
  });
});

describe('JWTAuthenticationBackend.createToken with a resource', () => {
  it('writes the resource as aud, so the backend accepts what it issues', async () => {
    const backend = jwtBackend({ resource: RESOURCE });
    const token = backend.createToken('alice');
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload.aud).toBe(RESOURCE);
    const server = await listenLocally(buildApp({ backend, guards: [authenticated()] }).app);
    try {
      const res = await request(server.origin).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: { identity: 'alice' } });
    } finally {
      await server.close();
    }
  });

  it('writes both a single-string audience and the resource', () => {
    const token = jwtBackend({ resource: RESOURCE, audience: 'legacy-api' }).createToken('alice');
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload.aud).toEqual(['legacy-api', RESOURCE]);
  });

  it('exposes the resource and the issuers for the metadata handler', () => {
    const backend = jwtBackend({ resource: RESOURCE, issuer: ['https://a.example.com', 'https://b.example.com'] });
    expect(backend.resource).toBe(RESOURCE);
    expect(backend.acceptedIssuers).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(jwtBackend().acceptedIssuers).toEqual([]);
    expect(jwtBackend().resource).toBeUndefined();
  });
});

describe('JWTAuthenticationBackend resource options, when misconfigured', () => {
  const build = (options: Partial<JWTAuthenticationBackendOptions>) => () => new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, ...options });

  it.each([
    ['a relative path', '/mcp', /"resource" must be an absolute URL/],
    ['a non-string', 42, /"resource" must be an absolute URL/],
    ['plain http to another host', 'http://mcp.example.com/mcp', /"resource" must be an https URL \(plain http only to localhost\)/],
    ['a fragment', 'https://mcp.example.com/mcp#top', /must not carry user info, a query or a fragment/],
    ['a query', 'https://mcp.example.com/mcp?tenant=1', /must not carry user info, a query or a fragment/],
    ['user info', 'https://user@mcp.example.com/mcp', /must not carry user info, a query or a fragment/],
    ['an upper-case host', 'https://MCP.example.com/mcp', /canonical form.*write "https:\/\/mcp\.example\.com\/mcp"/],
    ['the default port', 'https://mcp.example.com:443/mcp', /canonical form.*write "https:\/\/mcp\.example\.com\/mcp"/],
    ['a path with dot segments', 'https://mcp.example.com/a/../mcp', /canonical form.*write "https:\/\/mcp\.example\.com\/mcp"/],
    ['a space', 'https://mcp.example.com/m cp', /"resource" must be an absolute URL/],
  ])('throws a TypeError for a resource with %s', (_case, resource, message) => {
    expect(build({ resource: resource as string })).toThrow(TypeError);
    expect(build({ resource: resource as string })).toThrow(message);
  });

  it('accepts plain http to localhost and 127.0.0.1, for development', () => {
    expect(build({ resource: 'http://localhost:3000/mcp' })).not.toThrow();
    expect(build({ resource: 'http://127.0.0.1:3000/mcp' })).not.toThrow();
  });

  it('throws a TypeError for a resourceMetadataUrl that is not an https URL', () => {
    expect(build({ resourceMetadataUrl: 'not a url' })).toThrow(/"resourceMetadataUrl" must be an absolute URL/);
    expect(build({ resourceMetadataUrl: 'http://example.com/.well-known/oauth-protected-resource' })).toThrow(/"resourceMetadataUrl" must be an https URL/);
  });

  it('does not mutate the options object', () => {
    const options = Object.freeze({ secretKey: SECRET, resource: RESOURCE, resourceMetadataUrl: METADATA_URL });
    expect(() => new JWTAuthenticationBackend(options)).not.toThrow();
    expect(options).toEqual({ secretKey: SECRET, resource: RESOURCE, resourceMetadataUrl: METADATA_URL });
  });
});
