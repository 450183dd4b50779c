import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import type { InvalidTokenReason } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { hmacSigned, NONE_SPELLINGS, signedToken, unsecuredToken } from '../helpers/hostile-tokens';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { BACKENDS, expectTokenRefused, withToken } from '../helpers/security-backends';
import { claims, fixedClock, keys, pem } from '../helpers/tokens';

// The same attacks against backends that verify an identity provider's published key set
// (jwksUri on 127.0.0.1). The published key is public by design, which is what makes the
// HS256 confusion attack tempting here: the attacker holds exactly what the verifier holds.

const KID = 'rsa-1';
const publicJwk = { ...keys.rsa.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
const attackerRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

let jwks: JwksServer;
let attackerServer: LocalServer;
const attackerRequests: string[] = [];

const genuine = (header: Record<string, unknown> = {}): string => signedToken('RS256', keys.rsa.privateKey, claims(), { kid: KID, ...header });

interface RemoteAttack {
  readonly name: string;
  readonly token: () => string;
  readonly reason: InvalidTokenReason;
  /** How many key set fetches the attack may cause: none when refused before any key is looked up. */
  readonly fetches: number;
}

const ATTACKS: readonly RemoteAttack[] = [
  {
    name: 'HS256 signed with the published key as a PEM (algorithm confusion)',
    token: () => hmacSigned({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), pem(keys.rsa.publicKey)),
    reason: 'algorithm_not_allowed',
    fetches: 0,
  },
  {
    name: 'HS256 signed with the published JWK as JSON text (algorithm confusion)',
    token: () => hmacSigned({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), JSON.stringify(publicJwk)),
    reason: 'algorithm_not_allowed',
    fetches: 0,
  },
  {
    name: 'HS256 signed with the published modulus n (algorithm confusion)',
    token: () => hmacSigned({ alg: 'HS256', typ: 'JWT', kid: KID }, claims(), Buffer.from(String(publicJwk.n), 'base64url')),
    reason: 'algorithm_not_allowed',
    fetches: 0,
  },
  ...NONE_SPELLINGS.map((alg): RemoteAttack => ({
    name: `alg "${alg}" with the kid of the published key`,
    token: () => unsecuredToken(alg, claims()),
    reason: 'algorithm_not_allowed',
    fetches: 0,
  })),
  { name: 'a token grown past 8 KiB', token: () => signedToken('RS256', keys.rsa.privateKey, claims({ padding: 'x'.repeat(8200) }), { kid: KID }), reason: 'too_large', fetches: 0 },
  {
    name: 'a token signed with the attacker\'s key under the published kid',
    token: () => signedToken('RS256', attackerRsa.privateKey, claims(), { kid: KID }),
    reason: 'bad_signature',
    fetches: 1,
  },
  {
    name: 'a jku header pointing at the attacker\'s key set, with the attacker\'s kid',
    token: () => signedToken('RS256', attackerRsa.privateKey, claims(), { kid: 'attacker', jku: `${attackerServer.origin}/jwks.json` }),
    reason: 'unknown_key',
    // The first fetch finds no such kid; a refetch would wait for the cooldown.
    fetches: 1,
  },
  {
    name: 'an embedded jwk naming the attacker\'s key, with the published kid',
    token: () => signedToken('RS256', attackerRsa.privateKey, claims(), { kid: KID, jwk: attackerRsa.publicKey.export({ format: 'jwk' }) }),
    reason: 'bad_signature',
    fetches: 1,
  },
  {
    name: 'a kid of "../../etc/passwd"',
    token: () => signedToken('RS256', attackerRsa.privateKey, claims(), { kid: '../../etc/passwd' }),
    reason: 'unknown_key',
    fetches: 1,
  },
];

beforeAll(async () => {
  jwks = await startJwksServer();
  attackerServer = await listenLocally((req, res) => {
    attackerRequests.push(req.url ?? '');
    res.end(JSON.stringify({ keys: [{ ...attackerRsa.publicKey.export({ format: 'jwk' }), kid: 'attacker' }] }));
  });
});

beforeEach(() => {
  jwks.reset();
  jwks.state.document = { keys: [publicJwk] };
});

afterAll(async () => {
  await jwks.close();
  await attackerServer.close();
});

describe.each(EXPRESS_VERSIONS)('Attacks on a remote key set on %s', (_version, expressFactory) => {
  describe.each(BACKENDS)('against $name', (backendKind) => {
    function appWithRemoteKeys(): ReturnType<typeof buildApp> {
      const backend = backendKind.build({ jwksUri: jwks.jwksUri, algorithm: 'RS256', clock: fixedClock, keySetFetch: { cooldownMs: 60_000 } });
      return buildApp({ expressFactory, backend });
    }

    it('accepts a genuine RS256 token signed with the published key, after one fetch', async () => {
      const { app, probe } = appWithRemoteKeys();
      const res = await withToken(request(app).get('/probe'), backendKind.transport, genuine());
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
      expect(probe.handlerRan).toBe(true);
      expect(jwks.count()).toBe(1);
    });

    it.each(ATTACKS.map((attack) => [attack.name, attack] as const))('refuses %s', async (_name, attack) => {
      const { app, probe } = appWithRemoteKeys();
      const res = await withToken(request(app).get('/probe'), backendKind.transport, attack.token());
      expectTokenRefused(res, probe, attack.reason);
      expect(jwks.count()).toBe(attack.fetches);
      // The kid is a name to look up, never part of a URL.
      expect(jwks.requests.every((path) => path === JWKS_PATH)).toBe(true);
    });

    it('never contacted the attacker\'s key server', () => {
      expect(attackerRequests).toEqual([]);
    });
  });
});
