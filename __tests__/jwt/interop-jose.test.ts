import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Express } from 'express';
import * as jose from 'jose';
import request from 'supertest';
import type { Algorithm } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { claims, SECRET } from '../helpers/tokens';

// Tokens here are built by panva/jose and verified by this library through jsonwebtoken. On Node
// both sign through node:crypto, so the primitives are shared; the JWS encoding, the ECDSA
// R || S conversion and the key handling are not.

const ASYMMETRIC = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'] as const;
const ALGORITHMS: readonly Algorithm[] = ['HS256', ...ASYMMETRIC];

/** What the backend is configured with for each algorithm: jose's SPKI PEM, or the HMAC secret. */
const verificationKeys = new Map<Algorithm, string>([['HS256', SECRET]]);
/** The public keys of {@link verificationKeys} as jose exports them to JWK. */
const exportedJwks = new Map<Algorithm, jose.JWK>();
const tokens = new Map<string, string>();
let rsaPublicKey: KeyObject;
let rsaPublicPem: string;

function sign(alg: string, key: jose.KeyLike | Uint8Array): Promise<string> {
  return new jose.SignJWT(claims() as jose.JWTPayload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

function token(name: string): string {
  const value = tokens.get(name);
  if (value === undefined) throw new Error(`No jose token named "${name}" was built.`);
  return value;
}

function verificationKey(algorithm: Algorithm): string {
  const value = verificationKeys.get(algorithm);
  if (value === undefined) throw new Error(`No verification key for ${algorithm} was built.`);
  return value;
}



function getProbe(app: Express, value: string): request.Test {
  return request(app).get('/probe').set('Authorization', `Bearer ${value}`);
}

/** The backends an unsecured token is tried against: one HMAC, one asymmetric. */
const BACKENDS_FOR_NONE = [
  ['HS256', () => jwtBackend()],
  ['RS256', () => jwtBackend({ secretKey: rsaPublicPem, algorithm: 'RS256' })],
] as const;

describe('JWTAuthenticationBackend interoperability with jose', () => {
  beforeAll(async () => {
    tokens.set('HS256', await sign('HS256', new TextEncoder().encode(SECRET)));
    for (const alg of ASYMMETRIC) {
      const { publicKey, privateKey } = await jose.generateKeyPair(alg);
      verificationKeys.set(alg, await jose.exportSPKI(publicKey));
      exportedJwks.set(alg, await jose.exportJWK(publicKey));
      tokens.set(alg, await sign(alg, privateKey));
    }
    rsaPublicPem = verificationKey('RS256');
    rsaPublicKey = createPublicKey(rsaPublicPem);
    const unsecured = new jose.UnsecuredJWT(claims() as jose.JWTPayload).encode();
    tokens.set('none', unsecured);
    // What an attacker sends to a verifier that rejects an empty signature but trusts `alg`.
    tokens.set('none with a signature', `${unsecured}c2lnbmF0dXJl`);
    // RS256→HS256 confusion: the public key, which anybody has, used as the HMAC secret.
    tokens.set('HS256 with the RSA public key', await sign('HS256', new TextEncoder().encode(rsaPublicPem)));
  });

  describe.each(EXPRESS_VERSIONS)('on %s', (_name, expressFactory) => {
    describe.each(ALGORITHMS)('when jose signs with %s', (algorithm) => {
      it('accepts the token and exposes its claims', async () => {
        const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: verificationKey(algorithm), algorithm }) });
        const res = await getProbe(app, token(algorithm));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          user: { isAuthenticated: true, displayName: 'alice', identity: 'user-1' },
          scopes: ['authenticated', 'read'],
          payload: claims(),
        });
        expect(probe.handlerRan).toBe(true);
      });
    });

    describe('when the verification key is the JWK jose exported, imported by node:crypto', () => {
      it.each(['RS256', 'ES512'] as const)('accepts the %s token', async (algorithm) => {
        const jwk = exportedJwks.get(algorithm) as JsonWebKey;
        const secretKey = createPublicKey({ key: jwk, format: 'jwk' });
        const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey, algorithm }) });
        const res = await getProbe(app, token(algorithm));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ user: { identity: 'user-1' }, payload: claims() });
        expect(probe.handlerRan).toBe(true);
      });
    });

    describe('when jose encodes an unsecured token with alg none', () => {
      // jose's UnsecuredJWT ends in an empty signature segment (RFC 7519 §6.1); it is refused
      // for its algorithm before any cryptography.
      it.each(BACKENDS_FOR_NONE)('responds 401 with error="invalid_token" and reason algorithm_not_allowed on an %s backend', async (_alg, backend) => {
        const { app, probe } = buildApp({ expressFactory, backend: backend() });
        const res = await getProbe(app, token('none'));
        expectRejection(res, probe, invalidTokenRejection('algorithm_not_allowed'));
      });

      it.each(BACKENDS_FOR_NONE)(
        'responds 401 with error="invalid_token" and reason algorithm_not_allowed on an %s backend when a signature segment is appended',
        async (_alg, backend) => {
          const { app, probe } = buildApp({ expressFactory, backend: backend() });
          const res = await getProbe(app, token('none with a signature'));
          expectRejection(res, probe, invalidTokenRejection('algorithm_not_allowed'));
        },
      );
    });

    describe('when jose signs HS256 with the RSA public key PEM as the HMAC secret', () => {
      it.each([
        ['a PEM string', () => rsaPublicPem],
        ['a KeyObject', () => rsaPublicKey],
      ] as const)(
        'responds 401 with error="invalid_token" and reason algorithm_not_allowed when the RS256 backend has the public key as %s',
        async (_form, publicKey) => {
          const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: publicKey(), algorithm: 'RS256' }) });
          const res = await getProbe(app, token('HS256 with the RSA public key'));
          expectRejection(res, probe, invalidTokenRejection('algorithm_not_allowed'));
        },
      );

      it('accepts the RS256 token of the same key pair on the same backend', async () => {
        const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: rsaPublicPem, algorithm: 'RS256' }) });
        const res = await getProbe(app, token('RS256'));
        expect(res.status).toBe(200);
        expect(probe.handlerRan).toBe(true);
      });
    });
  });
});
