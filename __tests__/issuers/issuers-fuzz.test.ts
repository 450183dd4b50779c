import fc from 'fast-check';
import { JWTAuthenticationBackend } from '../../lib';
import { expectRefusedOrAnonymous, type FuzzTarget, probe, sendable, startFuzzTarget } from '../helpers/fuzz-targets';
import { signedToken, unsecuredToken } from '../helpers/hostile-tokens';
import { claims, fixedClock } from '../helpers/tokens';
import { type IdentityProvider, startIdentityProvider } from './identity-providers';

// Whatever the token, a backend with issuers answers 400/401 (never a 5xx, never a hang, never
// the handler as an authenticated user), and a token whose iss is not listed never makes it
// send a request anywhere: the providers see no traffic at all.

let providers: IdentityProvider[];
let target: FuzzTarget;

beforeAll(async () => {
  providers = await Promise.all([startIdentityProvider('openid-configuration', '/a'), startIdentityProvider('oauth-authorization-server', '/b')]);
  const backend = new JWTAuthenticationBackend({
    clock: fixedClock,
    issuers: [
      { issuer: providers[0].issuer, audience: 'api' },
      { issuer: providers[1].issuer, audience: 'api', discovery: 'oauth-authorization-server' },
    ],
  });
  target = await startFuzzTarget(backend);
});
afterAll(async () => {
  await target.close();
  await Promise.all(providers.map((idp) => idp.close()));
});
afterEach(() => {
  expect(target.appErrors).toEqual([]);
  expect(target.authenticated).toEqual([]);
  for (const idp of providers) {
    expect(idp.requests).toEqual([]);
    idp.requests.length = 0;
  }
});

/** Issuers a token might name that are not in the list: near misses of the listed ones, and arbitrary text. */
const unlisted = (): fc.Arbitrary<unknown> => fc.oneof(
  fc.constantFrom('/', '/a/', '/A', '/a/..', '/a?x=1', '/b#', '/.well-known/openid-configuration', '').map((suffix) => `${providers[0].origin}${suffix}`),
  fc.webUrl(),
  fc.string(),
  fc.anything(),
);

describe('JWTAuthenticationBackend with issuers, under arbitrary tokens', () => {
  it('refuses tokens signed with any key and naming any unlisted issuer, without a fetch', async () => {
    await fc.assert(fc.asyncProperty(unlisted(), fc.constantFrom(...providers.map((idp) => idp.key)), async (iss, key) => {
      const token = signedToken('RS256', key.privateKey, claims({ iss, aud: 'api' }), { kid: key.kid });
      const res = await probe(target, { Authorization: `Bearer ${token}` });
      expectRefusedOrAnonymous(res);
      expect(res.status).toBe(401);
    }), { numRuns: 150 });
  });

  it('refuses unsecured tokens and disallowed algorithms naming a listed issuer before any key is fetched', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('none', 'None', 'HS256', 'ES256', 'XYZ'), fc.constantFrom(...providers), async (alg, idp) => {
      const res = await probe(target, { Authorization: `Bearer ${unsecuredToken(alg, claims({ iss: idp.issuer, aud: 'api' }))}` });
      expectRefusedOrAnonymous(res);
    }), { numRuns: 40 });
  });

  it('answers arbitrary credentials with 400, 401 or anonymous', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
      expectRefusedOrAnonymous(await probe(target, { Authorization: sendable(`Bearer ${text}`) }));
    }), { numRuns: 150 });
  });
});
