import { KeySetFetchError, KeySetUnavailableError } from '../../lib';
import { discoverJwksUri, discoveryUrl, readDiscoveryOption } from '../../lib/keys/discovery';
import { buildApp } from '../helpers/apps';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { probeWith, remoteApp } from '../helpers/remote-apps';
import { type IdentityProvider, metadataPath, startIdentityProvider } from './identity-providers';

const LIMITS = { timeoutMs: 2000, maxBytes: 1 << 20, allowInsecureHttp: false } as const;

describe('discoveryUrl', () => {
  it.each([
    ['https://idp.example', 'https://idp.example/.well-known/oauth-authorization-server'],
    ['https://idp.example/', 'https://idp.example/.well-known/oauth-authorization-server'],
    ['https://idp.example/issuer1', 'https://idp.example/.well-known/oauth-authorization-server/issuer1'],
    ['https://idp.example/realms/b/', 'https://idp.example/.well-known/oauth-authorization-server/realms/b'],
    ['http://127.0.0.1:8080/t/a', 'http://127.0.0.1:8080/.well-known/oauth-authorization-server/t/a'],
  ])('inserts the RFC 8414 well-known path before the path of %s', (issuer, url) => {
    expect(discoveryUrl(issuer, 'oauth-authorization-server')).toBe(url);
  });

  it.each([
    ['https://idp.example', 'https://idp.example/.well-known/openid-configuration'],
    ['https://idp.example/', 'https://idp.example/.well-known/openid-configuration'],
    ['https://idp.example/realms/b', 'https://idp.example/realms/b/.well-known/openid-configuration'],
  ])('appends the OpenID Connect well-known path to %s', (issuer, url) => {
    expect(discoveryUrl(issuer, 'openid-configuration')).toBe(url);
  });
});

describe('readDiscoveryOption', () => {
  it('defaults to OpenID Connect only, as before', () => {
    expect(readDiscoveryOption('T', undefined)).toEqual(['openid-configuration']);
  });

  it('takes one document or both in order', () => {
    expect(readDiscoveryOption('T', 'oauth-authorization-server')).toEqual(['oauth-authorization-server']);
    expect(readDiscoveryOption('T', ['oauth-authorization-server', 'openid-configuration'])).toEqual(['oauth-authorization-server', 'openid-configuration']);
  });

  it.each([[[]], [['openid-configuration', 'openid-configuration']], ['oidc'], [42]])('throws a TypeError for %j', (value) => {
    expect(() => readDiscoveryOption('T', value)).toThrow(/T: "discovery" must be/);
  });
});

describe('discoverJwksUri with several documents', () => {
  let oauth: IdentityProvider;
  let oidc: IdentityProvider;
  beforeAll(async () => {
    [oauth, oidc] = await Promise.all([startIdentityProvider('oauth-authorization-server', '/tenant'), startIdentityProvider('openid-configuration', '/tenant')]);
  });
  afterAll(() => Promise.all([oauth.close(), oidc.close()]));
  beforeEach(() => {
    oauth.requests.length = 0;
    oidc.requests.length = 0;
  });

  it('tries OpenID Connect first and falls back to RFC 8414 when that document is not there', async () => {
    expect(await discoverJwksUri(oauth.issuer, LIMITS, ['openid-configuration', 'oauth-authorization-server'])).toBe(oauth.jwksUri);
    expect(oauth.requests).toEqual(['/tenant/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenant']);
  });

  it('stops at the first document that answers', async () => {
    expect(await discoverJwksUri(oidc.issuer, LIMITS, ['openid-configuration', 'oauth-authorization-server'])).toBe(oidc.jwksUri);
    expect(oidc.requests).toEqual(['/tenant/.well-known/openid-configuration']);
  });

  it('rejects with http_status when no document is there', async () => {
    const failure = await discoverJwksUri(oidc.issuer, LIMITS, ['oauth-authorization-server']).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(KeySetFetchError);
    expect(failure).toMatchObject({ reason: 'http_status', status: 404 });
  });

  it('does not fall back when the first document names another issuer', async () => {
    oauth.documents.set('/tenant/.well-known/openid-configuration', { issuer: 'https://evil.example', jwks_uri: oauth.jwksUri });
    try {
      const failure = await discoverJwksUri(oauth.issuer, LIMITS, ['openid-configuration', 'oauth-authorization-server']).catch((err: unknown) => err);
      expect(failure).toMatchObject({ reason: 'issuer_mismatch', expected: oauth.issuer, found: 'https://evil.example' });
      expect(oauth.requests).toEqual(['/tenant/.well-known/openid-configuration']);
    } finally {
      oauth.documents.delete('/tenant/.well-known/openid-configuration');
    }
  });

  it('rejects RFC 8414 metadata that names the issuer with a trailing slash: the match is exact', async () => {
    const path = metadataPath('oauth-authorization-server', '/tenant');
    const original = oauth.documents.get(path);
    oauth.documents.set(path, { issuer: `${oauth.issuer}/`, jwks_uri: oauth.jwksUri });
    try {
      expect(await discoverJwksUri(oauth.issuer, LIMITS, ['oauth-authorization-server']).catch((err: unknown) => err)).toMatchObject({ reason: 'issuer_mismatch' });
    } finally {
      oauth.documents.set(path, original);
    }
  });

  it('rejects RFC 8414 metadata without a jwks_uri (it is optional there) as invalid_document', async () => {
    const path = metadataPath('oauth-authorization-server', '/tenant');
    const original = oauth.documents.get(path);
    oauth.documents.set(path, { issuer: oauth.issuer, token_endpoint: `${oauth.issuer}/token` });
    try {
      expect(await discoverJwksUri(oauth.issuer, LIMITS, ['oauth-authorization-server']).catch((err: unknown) => err)).toMatchObject({ reason: 'invalid_document' });
    } finally {
      oauth.documents.set(path, original);
    }
  });
});

describe('JWTAuthenticationBackend with the discovery option and a single issuer', () => {
  let oauth: IdentityProvider;
  beforeAll(async () => {
    oauth = await startIdentityProvider('oauth-authorization-server', '/as');
  });
  afterAll(() => oauth.close());
  beforeEach(() => {
    oauth.requests.length = 0;
  });

  it('finds the key set from RFC 8414 metadata with discovery: oauth-authorization-server', async () => {
    const target = remoteApp({ issuer: oauth.issuer, discovery: 'oauth-authorization-server' });
    expect((await probeWith(target, await oauth.token())).status).toBe(200);
    expect(oauth.requests).toEqual(['/.well-known/oauth-authorization-server/as', '/as/jwks']);
  });

  it('answers 503, with the fetch failure as the cause, when only OpenID Connect discovery is tried (the default)', async () => {
    const target = remoteApp({ issuer: oauth.issuer });
    const errors: unknown[] = [];
    const { app, probe } = buildApp({ backend: target.backend, middleware: { onError: (err, _req, res) => { errors.push(err); res.status(err.status).set(err.headers).json({}); } } });
    const res = await probeWith({ app, probe }, await oauth.token());
    expect(res.status).toBe(503);
    expect(errors[0]).toBeInstanceOf(KeySetUnavailableError);
    expect((errors[0] as KeySetUnavailableError).cause).toMatchObject({ reason: 'http_status', status: 404 });
    expect(oauth.requests).toEqual(['/as/.well-known/openid-configuration']);
    expect(probe.handlerRan).toBe(false);
  });

  it('answers the complete 503 when RFC 8414 metadata names another issuer', async () => {
    const path = metadataPath('oauth-authorization-server', '/as');
    const original = oauth.documents.get(path);
    oauth.documents.set(path, { issuer: oauth.origin, jwks_uri: oauth.jwksUri });
    try {
      const target = remoteApp({ issuer: oauth.issuer, discovery: ['openid-configuration', 'oauth-authorization-server'] });
      expectUnavailable(await probeWith(target, await oauth.token()), target.probe);
    } finally {
      oauth.documents.set(path, original);
    }
  });

  it('warns once, naming RFC 8414 §3.3, when the RFC 8414 metadata names another issuer', async () => {
    const path = metadataPath('oauth-authorization-server', '/as');
    const original = oauth.documents.get(path);
    oauth.documents.set(path, { issuer: oauth.origin, jwks_uri: oauth.jwksUri });
    const logged: string[] = [];
    try {
      const target = remoteApp({ issuer: oauth.issuer, discovery: 'oauth-authorization-server', logger: { warn: (line) => logged.push(line) } });
      expectUnavailable(await probeWith(target, await oauth.token()), target.probe);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toEqual([
        expect.stringMatching(/^express-jwt-auth: the RFC 8414 authorization server metadata at ".*\/\.well-known\/oauth-authorization-server\/as" names the issuer ".*", but "issuer" is configured as ".*\/as"; .*\(RFC 8414 §3\.3\)/),
      ]);
    } finally {
      oauth.documents.set(path, original);
    }
  });

  it('throws a TypeError for discovery beside secretKey or jwksUri', () => {
    expect(() => remoteApp({ jwksUri: oauth.jwksUri, discovery: 'oauth-authorization-server' })).toThrow('"discovery" finds the key set from "issuer"');
  });
});
