import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import * as jose from 'jose';
import type { Express } from 'express';
import request from 'supertest';
import type { JWTAuthenticationBackend } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, type Probe } from '../helpers/apps';
import { accessTokenHash, boundToken, dpopBackend, dpopChallenge, type DpopClient, dpopClient, dpopRequest, makeProof, PUBLIC_ORIGIN } from '../helpers/dpop';
import { expectRejection } from '../helpers/expectations';
import { NOW, SECRET } from '../helpers/tokens';

/** One attack: what the attacker sends, and the rejection it must get. */
interface Attack {
  readonly name: string;
  /** Sends the attack to `app`; `client` holds the key the token is bound to. */
  readonly send: (context: AttackContext) => Promise<request.Response>;
  readonly error: 'invalid_dpop_proof' | 'invalid_token';
  readonly reason: string;
  readonly description: string;
}

interface AttackContext {
  readonly app: Express;
  readonly client: DpopClient;
  readonly token: string;
  /** Another key pair, the attacker's. */
  readonly attacker: DpopClient;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A proof signed by hand with HMAC: jose refuses to put a shared secret next to `jwk`. */
function hmacProof(client: DpopClient, token: string): string {
  const header = base64url({ typ: 'dpop+jwt', alg: 'HS256', jwk: client.key.jwk });
  const payload = base64url({ jti: 'x', htm: 'GET', htu: `${PUBLIC_ORIGIN}/probe`, iat: NOW, ath: createHmac('sha256', 'x').update(token).digest('base64url') });
  return `${header}.${payload}.${createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')}`;
}

/** Signs any header and payload with ES256 by hand (`node:crypto`), for headers jose will not write. */
function rawProof(privateKey: KeyObject, header: unknown, payload: unknown): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const ATTACKS: readonly Attack[] = [
  {
    name: 'a proof replayed against the same instance',
    send: async ({ app, client, token }) => {
      const proof = await makeProof(client, { accessToken: token });
      expect((await dpopRequest(app, token, proof)).status).toBe(200);
      return dpopRequest(app, token, proof);
    },
    error: 'invalid_dpop_proof', reason: 'replayed', description: 'The DPoP proof has been used before.',
  },
  {
    name: 'a proof made for another host (htu)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, url: 'https://evil.example.test/probe' })),
    error: 'invalid_dpop_proof', reason: 'url_mismatch', description: 'The DPoP proof was made for another URL.',
  },
  {
    name: 'a proof made for another path (htu)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, url: `${PUBLIC_ORIGIN}/admin` })),
    error: 'invalid_dpop_proof', reason: 'url_mismatch', description: 'The DPoP proof was made for another URL.',
  },
  {
    name: 'a proof made for plain http (htu scheme)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, url: 'http://api.example.test/probe' })),
    error: 'invalid_dpop_proof', reason: 'url_mismatch', description: 'The DPoP proof was made for another URL.',
  },
  {
    name: 'a proof whose htu is not an http(s) URL',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, url: 'javascript:alert(1)' })),
    error: 'invalid_dpop_proof', reason: 'malformed', description: 'The DPoP proof is malformed.',
  },
  {
    name: 'a proof made for another method (htm)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, method: 'POST' })),
    error: 'invalid_dpop_proof', reason: 'method_mismatch', description: 'The DPoP proof was made for another HTTP method.',
  },
  {
    name: 'a lower-case htm',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, method: 'get' })),
    error: 'invalid_dpop_proof', reason: 'method_mismatch', description: 'The DPoP proof was made for another HTTP method.',
  },
  {
    name: 'a stale proof (iat past the window of 60 s plus 5 s of leeway)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, iat: NOW - 66 })),
    error: 'invalid_dpop_proof', reason: 'too_old', description: 'The DPoP proof was issued too long ago.',
  },
  {
    name: 'a proof issued in the future (iat beyond the leeway)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, iat: NOW + 6 })),
    error: 'invalid_dpop_proof', reason: 'issued_in_future', description: 'The DPoP proof is issued in the future.',
  },
  {
    name: 'a proof whose iat is a string',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, claims: { iat: String(NOW) } })),
    error: 'invalid_dpop_proof', reason: 'malformed', description: 'The DPoP proof is malformed.',
  },
  {
    name: 'a proof whose jwk carries the private key',
    send: async ({ app, client, token }) => {
      const jwk = await jose.exportJWK(client.key.privateKey);
      return dpopRequest(app, token, await makeProof(client, { accessToken: token, header: { jwk } }));
    },
    error: 'invalid_dpop_proof', reason: 'private_key', description: 'The DPoP proof carries a private key.',
  },
  {
    name: 'a proof whose jwk is a symmetric key',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } })),
    error: 'invalid_dpop_proof', reason: 'private_key', description: 'The DPoP proof carries a private key.',
  },
  {
    name: 'a proof without jwk',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, header: { jwk: undefined } })),
    error: 'invalid_dpop_proof', reason: 'bad_key', description: 'The DPoP proof does not carry a usable public key.',
  },
  {
    name: 'a proof whose jwk is on another curve than its alg',
    send: async ({ app, client, token, attacker }) => {
      const p384 = await dpopClient('ES384');
      return dpopRequest(app, token, await makeProof({ ...client, key: { ...client.key, privateKey: attacker.key.privateKey } }, { accessToken: token, header: { jwk: p384.key.jwk } }));
    },
    error: 'invalid_dpop_proof', reason: 'bad_key', description: 'The DPoP proof does not carry a usable public key.',
  },
  {
    name: 'a proof signed with HMAC (a symmetric alg)',
    send: async ({ app, client, token }) => dpopRequest(app, token, hmacProof(client, token)),
    error: 'invalid_dpop_proof', reason: 'algorithm_not_allowed', description: 'The DPoP proof is signed with an algorithm that is not allowed.',
  },
  {
    name: 'an unsigned proof (alg none)',
    send: async ({ app, client, token }) => {
      const header = base64url({ typ: 'dpop+jwt', alg: 'none', jwk: client.key.jwk });
      return dpopRequest(app, token, `${header}.${base64url({ jti: 'x', htm: 'GET', htu: `${PUBLIC_ORIGIN}/probe`, iat: NOW })}.`);
    },
    error: 'invalid_dpop_proof', reason: 'algorithm_not_allowed', description: 'The DPoP proof is signed with an algorithm that is not allowed.',
  },
  {
    name: 'a proof typed JWT instead of dpop+jwt',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, header: { typ: 'JWT' } })),
    error: 'invalid_dpop_proof', reason: 'wrong_type', description: 'The DPoP proof is not typed dpop+jwt.',
  },
  {
    name: 'a proof signed by another key than its jwk',
    send: async ({ app, client, token, attacker }) => dpopRequest(app, token, await makeProof({ ...client, key: { ...client.key, privateKey: attacker.key.privateKey } }, { accessToken: token })),
    error: 'invalid_dpop_proof', reason: 'bad_signature', description: 'The DPoP proof signature is invalid.',
  },
  {
    name: 'a forged proof whose header (and key) a valid proof just used, so that the key is remembered',
    send: async ({ app, client, token, attacker }) => {
      expect((await dpopRequest(app, token, await makeProof(client, { accessToken: token }))).status).toBe(200);
      return dpopRequest(app, token, await makeProof({ ...client, key: { ...client.key, privateKey: attacker.key.privateKey } }, { accessToken: token }));
    },
    error: 'invalid_dpop_proof', reason: 'bad_signature', description: 'The DPoP proof signature is invalid.',
  },
  {
    name: 'a proof made for another access token (ath mismatch)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: `${token}x` })),
    error: 'invalid_dpop_proof', reason: 'hash_mismatch', description: 'The DPoP proof was made for another access token.',
  },
  {
    name: 'a proof without ath',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, {})),
    error: 'invalid_dpop_proof', reason: 'missing_claim', description: 'The DPoP proof lacks a required claim.',
  },
  {
    name: 'a proof without jti',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, claims: { jti: undefined } })),
    error: 'invalid_dpop_proof', reason: 'missing_claim', description: 'The DPoP proof lacks a required claim.',
  },
  {
    name: 'a proof declaring a critical extension',
    send: async ({ app, client, token }) => dpopRequest(app, token, rawProof(client.key.privateKey,
      { typ: 'dpop+jwt', alg: 'ES256', jwk: client.key.jwk, crit: ['urn:example:binding'], 'urn:example:binding': true },
      { jti: 'crit', htm: 'GET', htu: `${PUBLIC_ORIGIN}/probe`, iat: NOW, ath: accessTokenHash(token) })),
    error: 'invalid_dpop_proof', reason: 'malformed', description: 'The DPoP proof is malformed.',
  },
  {
    name: 'a token bound to the client, with a valid proof by the attacker\'s key (cnf mismatch)',
    send: async ({ app, token, attacker }) => dpopRequest(app, token, await makeProof(attacker, { accessToken: token })),
    error: 'invalid_token', reason: 'binding_mismatch', description: 'The access token is bound to another key or certificate than the request proves.',
  },
  {
    name: 'an oversized proof (past maxProofLength)',
    send: async ({ app, client, token }) => dpopRequest(app, token, await makeProof(client, { accessToken: token, claims: { pad: 'x'.repeat(4096) } })),
    error: 'invalid_dpop_proof', reason: 'too_large', description: 'The DPoP proof is longer than this server accepts.',
  },
  ...['not-a-jwt', 'a.b', 'a.b.c.d', '!!!.@@@.###', `${base64url('x')}.${base64url({})}.c2ln`, `${base64url({ typ: 'dpop+jwt' })}.bm90IGpzb24.c2ln`].map((proof): Attack => ({
    name: `a malformed proof ${JSON.stringify(proof.slice(0, 24))}`,
    send: ({ app, token }) => dpopRequest(app, token, proof),
    error: 'invalid_dpop_proof', reason: 'malformed', description: 'The DPoP proof is malformed.',
  })),
  {
    name: 'two DPoP headers',
    send: async ({ app, client, token }) => dpopRequest(app, token, [await makeProof(client, { accessToken: token }), await makeProof(client, { accessToken: token })]),
    error: 'invalid_dpop_proof', reason: 'duplicate_header', description: 'The request carries the DPoP header more than once.',
  },
  {
    name: 'no DPoP header',
    send: ({ app, token }) => dpopRequest(app, token, undefined),
    error: 'invalid_dpop_proof', reason: 'missing', description: 'The request names the DPoP scheme but carries no DPoP proof.',
  },
];

describe.each(EXPRESS_VERSIONS)('DPoP attack table (%s)', (_name, expressFactory) => {
  let backend: JWTAuthenticationBackend;
  let client: DpopClient;
  let attacker: DpopClient;
  beforeAll(async () => {
    [client, attacker] = await Promise.all([dpopClient(), dpopClient()]);
  });
  beforeEach(async () => {
    backend = dpopBackend();
    await backend.ready();
  });
  afterEach(async () => {
    await backend.close();
  });

  it.each(ATTACKS.map((attack) => [attack.name, attack] as const))('refuses %s with 401 and the handler does not run', async (_attack, attack) => {
    const token = await boundToken(client.jkt);
    const { app, probe: appProbe } = buildApp({ expressFactory, backend });
    const res = await attack.send({ app, client, token, attacker });
    // A replay's first request (and the valid proof before a forgery) ran the handler, as the attack asserts: only the last request is judged here.
    const ranBefore = attack.reason === 'replayed' || attack.name.startsWith('a forged proof whose header');
    const probe: Probe = ranBefore ? { handlerRan: false, appErrors: appProbe.appErrors } : appProbe;
    expectRejection(res, probe, { status: 401, error: attack.error, reason: attack.reason, challenge: dpopChallenge(attack.error, attack.description) });
  });

  it('refuses a proof whose jwk is an RSA key of 1024 bits, too weak to prove anything', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const token = await boundToken(client.jkt);
    const header = base64url({ typ: 'dpop+jwt', alg: 'RS256', jwk: weak.publicKey.export({ format: 'jwk' }) });
    const payload = base64url({ jti: 'w', htm: 'GET', htu: `${PUBLIC_ORIGIN}/probe`, iat: NOW, ath: accessTokenHash(token) });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), weak.privateKey).toString('base64url');
    const { app, probe } = buildApp({ expressFactory, backend });
    const res = await dpopRequest(app, token, `${header}.${payload}.${signature}`);
    expectRejection(res, probe, { status: 401, error: 'invalid_dpop_proof', reason: 'bad_key', challenge: dpopChallenge('invalid_dpop_proof', 'The DPoP proof does not carry a usable public key.') });
  });

  it('never answers 5xx to garbage in the DPoP header or a Host header of garbage', async () => {
    const token = await boundToken(client.jkt);
    const { app } = buildApp({ expressFactory, backend });
    for (const proof of ['', ' ', '.', '..', 'eyJ.eyJ.', '\u00e9'.repeat(10)]) {
      const res = await request(app).get('/probe').set('Authorization', `DPoP ${token}`).set('DPoP', proof);
      expect(res.status).toBe(401);
    }
  });
});
