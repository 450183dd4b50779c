import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, type RemoteKeySetOptions } from '../../lib';
import { describeUnfetchableUrl } from '../../lib/keys/fetch-json';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, fixedClock } from '../helpers/tokens';

// Plain HTTP reaches only this machine unless keySetFetch.allowInsecureHttp opts in, for
// development (an identity provider in a Docker Compose network), and never in production.
//
// The end-to-end tests reach the local server through [::ffff:127.0.0.1], the IPv4-mapped IPv6
// spelling of 127.0.0.1: a host name the loopback check does not know, while the traffic still
// goes to 127.0.0.1 and nowhere else.

const KEYCLOAK = 'http://keycloak:8080/realms/demo';
const INSECURE = { ...FETCH, allowInsecureHttp: true } as const;

function backend(options: Partial<JWTAuthenticationBackendOptions>): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ clock: fixedClock, ...options });
}

/** Runs `body` with `NODE_ENV` set to `value`, restoring it afterwards. */
function withNodeEnv(value: string, body: () => void): void {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = value;
  try {
    body();
  } finally {
    process.env.NODE_ENV = saved;
  }
}

describe('describeUnfetchableUrl', () => {
  it.each([
    ['an HTTPS URL', 'https://idp.example.com/jwks.json'],
    ['plain HTTP to localhost', 'http://localhost:8080/jwks.json'],
    ['plain HTTP to 127.0.0.1', 'http://127.0.0.1:8080/jwks.json'],
    ['plain HTTP to [::1]', 'http://[::1]:8080/jwks.json'],
  ])('accepts %s without the opt-in', (_what, url) => {
    expect(describeUnfetchableUrl(url, false)).toBeUndefined();
  });

  it.each([
    ['a host name', KEYCLOAK],
    ['another address', 'http://10.0.0.5/jwks.json'],
    ['the IPv4-mapped spelling of 127.0.0.1', 'http://[::ffff:127.0.0.1]/jwks.json'],
  ])('refuses plain HTTP to %s without the opt-in, saying why and how to opt in', (_what, url) => {
    const reason = describeUnfetchableUrl(url, false);
    expect(reason).toMatch(/^is plain HTTP to a host other than this machine/);
    expect(reason).toContain('keySetFetch: { allowInsecureHttp: true }');
  });

  it('accepts plain HTTP to any host with the opt-in', () => {
    expect(describeUnfetchableUrl(KEYCLOAK, true)).toBeUndefined();
  });

  it.each([
    ['another scheme', 'ftp://idp.example.com/jwks.json', /must be an HTTPS URL, not ftp:/],
    ['a file URL', 'file:///etc/jwks.json', /must be an HTTPS URL, not file:/],
    ['a relative URL', '/jwks.json', /not an absolute URL/],
  ])('refuses %s even with the opt-in', (_what, url, reason) => {
    expect(describeUnfetchableUrl(url, true)).toMatch(reason);
  });
});

describe('JWTAuthenticationBackend with a plain-HTTP issuer on another host', () => {
  it('throws a TypeError saying the issuer is plain HTTP to another host, and how to opt in', () => {
    expect(() => backend({ issuer: KEYCLOAK })).toThrow(
      /"issuer" cannot be used for OpenID Connect discovery: it is plain HTTP to a host other than this machine.*allowInsecureHttp: true/,
    );
  });

  it('does not claim that no issuer was given', () => {
    expect(() => backend({ issuer: KEYCLOAK })).not.toThrow(/give "secretKey", "jwksUri", or a single HTTPS "issuer"/);
  });

  it('throws a TypeError saying the issuer is not a URL', () => {
    expect(() => backend({ issuer: 'my-idp' })).toThrow(/"issuer" cannot be used for OpenID Connect discovery: it is not an absolute URL/);
  });

  it('constructs with keySetFetch.allowInsecureHttp', () => {
    expect(backend({ issuer: KEYCLOAK, keySetFetch: { allowInsecureHttp: true } })).toBeInstanceOf(JWTAuthenticationBackend);
  });
});

describe('JWTAuthenticationBackend with a plain-HTTP jwksUri on another host', () => {
  it('throws a TypeError naming the opt-in', () => {
    expect(() => backend({ jwksUri: `${KEYCLOAK}/protocol/openid-connect/certs` })).toThrow(/"jwksUri" is plain HTTP.*allowInsecureHttp/);
  });

  it('constructs with keySetFetch.allowInsecureHttp', () => {
    expect(backend({ jwksUri: `${KEYCLOAK}/protocol/openid-connect/certs`, keySetFetch: { allowInsecureHttp: true } })).toBeInstanceOf(JWTAuthenticationBackend);
  });

  it('still refuses another scheme with the opt-in', () => {
    expect(() => backend({ jwksUri: 'ftp://keycloak/certs', keySetFetch: { allowInsecureHttp: true } })).toThrow(TypeError);
  });
});

describe('keySetFetch.allowInsecureHttp', () => {
  it.each([
    ['jwksUri', { jwksUri: `${KEYCLOAK}/certs` }],
    ['issuer', { issuer: KEYCLOAK }],
    ['an HTTPS jwksUri', { jwksUri: 'https://idp.example.com/jwks.json' }],
  ])('throws a TypeError at construction when NODE_ENV is production (with %s)', (_what, options) => {
    withNodeEnv('production', () => {
      expect(() => backend({ ...options, keySetFetch: { allowInsecureHttp: true } })).toThrow(/"keySetFetch.allowInsecureHttp" is for development only, and NODE_ENV is "production"/);
    });
  });

  it('constructs in production when it is false', () => {
    withNodeEnv('production', () => {
      expect(backend({ jwksUri: 'https://idp.example.com/jwks.json', keySetFetch: { allowInsecureHttp: false } })).toBeInstanceOf(JWTAuthenticationBackend);
    });
  });

  it.each([['a string', 'yes'], ['a number', 1], ['null', null]])('throws a TypeError when it is %s', (_what, value) => {
    const keySetFetch = { allowInsecureHttp: value } as unknown as RemoteKeySetOptions;
    expect(() => backend({ issuer: KEYCLOAK, keySetFetch })).toThrow(/"keySetFetch.allowInsecureHttp" must be true or false/);
  });

  it('does not mutate keySetFetch', () => {
    const keySetFetch: RemoteKeySetOptions = { allowInsecureHttp: true, cooldownMs: 1000 };
    backend({ issuer: KEYCLOAK, keySetFetch });
    expect(keySetFetch).toEqual({ allowInsecureHttp: true, cooldownMs: 1000 });
  });
});

describe('JWTAuthenticationBackend fetching over plain HTTP from a host that is not loopback by name', () => {
  let idp: JwksServer;
  let key: JoseKey;
  let mapped: string;

  beforeAll(async () => {
    [idp, key] = await Promise.all([startJwksServer(), joseKey('RS256', 'dev-1')]);
    mapped = idp.origin.replace('127.0.0.1', '[::ffff:127.0.0.1]');
  });
  afterAll(() => idp.close());
  beforeEach(() => {
    idp.reset();
    idp.state.document = keySet(key);
  });

  it('refuses the jwksUri at construction without the opt-in', () => {
    expect(() => remoteApp({ jwksUri: `${mapped}${JWKS_PATH}` })).toThrow(/plain HTTP.*allowInsecureHttp/);
  });

  it('fetches the key set and accepts a token with the opt-in', async () => {
    const target = remoteApp({ jwksUri: `${mapped}${JWKS_PATH}`, keySetFetch: INSECURE });
    const res = await probeWith(target, await joseToken(key));
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
    expect(idp.requests).toEqual([JWKS_PATH]);
  });

  it('discovers through a plain-HTTP issuer and accepts a token with the opt-in', async () => {
    idp.state.discovery = { issuer: mapped, jwks_uri: `${mapped}${JWKS_PATH}` };
    const target = remoteApp({ issuer: mapped, keySetFetch: INSECURE });
    const res = await probeWith(target, await joseToken(key, { payload: claims({ iss: mapped }) }));
    expect(res.status).toBe(200);
    expect(idp.requests).toEqual([DISCOVERY_PATH, JWKS_PATH]);
  });

  it('answers 503 without fetching when a discovery document names a plain-HTTP jwks_uri and there is no opt-in', async () => {
    idp.state.discovery = { issuer: idp.origin, jwks_uri: `${mapped}${JWKS_PATH}` };
    const target = remoteApp({ issuer: idp.origin });
    expectUnavailable(await probeWith(target, await joseToken(key, { payload: claims({ iss: idp.origin }) })), target.probe, 30);
    expect(idp.requests).toEqual([DISCOVERY_PATH]);
  });

  it('follows a discovered plain-HTTP jwks_uri with the opt-in', async () => {
    idp.state.discovery = { issuer: idp.origin, jwks_uri: `${mapped}${JWKS_PATH}` };
    const target = remoteApp({ issuer: idp.origin, keySetFetch: INSECURE });
    expect((await probeWith(target, await joseToken(key, { payload: claims({ iss: idp.origin }) }))).status).toBe(200);
    expect(idp.requests).toEqual([DISCOVERY_PATH, JWKS_PATH]);
  });
});
