import { generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Algorithm } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { assertPyJwtInstalled, type PyJwtJob, signWithPyJwt, SYSTEM_PYTHON } from '../helpers/pyjwt';
import { describeWithTool, PYJWT } from '../helpers/system-tool';
import { claims, keys, NOW, pem, SECRET } from '../helpers/tokens';

// Tokens here are signed by PyJWT (Python, on top of pyca/cryptography), and only verified by
// this library: a mistake shared by our signer and our verifier cannot make these pass.

/** The keys of one algorithm: PyJWT signs with the first two, the backend verifies with the third. */
interface KeyMaterial {
  readonly signingKey: string;
  /** A key of the same kind that the backend does not trust. */
  readonly otherSigningKey: string;
  readonly verificationKey: string;
}

const privatePem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

function asymmetric(trusted: KeyPairKeyObjectResult, untrusted: KeyPairKeyObjectResult): KeyMaterial {
  return {
    signingKey: privatePem(trusted.privateKey),
    otherSigningKey: privatePem(untrusted.privateKey),
    verificationKey: pem(trusted.publicKey),
  };
}

const HMAC: KeyMaterial = { signingKey: SECRET, otherSigningKey: 'another-secret-0123456789abcdefghij', verificationKey: SECRET };
const RSA = asymmetric(keys.rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }));
const P256 = asymmetric(keys.ec256, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
const P384 = asymmetric(keys.ec384, generateKeyPairSync('ec', { namedCurve: 'secp384r1' }));
const P521 = asymmetric(keys.ec521, generateKeyPairSync('ec', { namedCurve: 'secp521r1' }));

const CASES: readonly (readonly [Algorithm, KeyMaterial])[] = [
  ['HS256', HMAC], ['HS384', HMAC], ['HS512', HMAC],
  ['RS256', RSA], ['RS384', RSA], ['RS512', RSA],
  ['PS256', RSA], ['PS384', RSA], ['PS512', RSA],
  ['ES256', P256], ['ES384', P384], ['ES512', P521],
];

const AUDIENCE = 'my-api';
const ISSUER = 'https://auth.example.com/';

/** Every token this file needs, signed by one PyJWT process. */
function pyJwtJobs(): Record<string, PyJwtJob> {
  const jobs: Record<string, PyJwtJob> = {};
  for (const [alg, material] of CASES) {
    jobs[alg] = { alg, key: material.signingKey, claims: claims() };
    jobs[`${alg} with another key`] = { alg, key: material.otherSigningKey, claims: claims() };
  }
  const rs256 = (overrides: Record<string, unknown>): PyJwtJob => ({ alg: 'RS256', key: RSA.signingKey, claims: claims(overrides) });
  jobs.expired = { alg: 'HS256', key: SECRET, claims: claims({ iat: NOW - 7200, exp: NOW - 3600 }) };
  jobs['matching aud and iss'] = rs256({ aud: AUDIENCE, iss: ISSUER });
  jobs['aud list with ours'] = rs256({ aud: ['billing', AUDIENCE], iss: ISSUER });
  jobs['wrong aud'] = rs256({ aud: 'other-api', iss: ISSUER });
  jobs['wrong iss'] = rs256({ aud: AUDIENCE, iss: 'https://evil.example.com/' });
  return jobs;
}



function getProbe(app: Express, token: string): request.Test {
  return request(app).get('/probe').set('Authorization', `Bearer ${token}`);
}

describeWithTool(PYJWT, 'JWTAuthenticationBackend interoperability with PyJWT', () => {
  let pyJwtVersion = '';
  let tokens: Readonly<Record<string, string>> = {};

  beforeAll(() => {
    ({ version: pyJwtVersion, tokens } = signWithPyJwt(pyJwtJobs()));
  });

  it(`finds PyJWT 2 and cryptography importable by ${SYSTEM_PYTHON}`, () => {
    assertPyJwtInstalled();
    expect(pyJwtVersion).toMatch(/^2\./);
  });

  describe.each(EXPRESS_VERSIONS)('on %s', (_name, expressFactory) => {
    describe.each(CASES)('when PyJWT signs with %s', (algorithm, material) => {
      it('accepts the token and exposes its claims', async () => {
        const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: material.verificationKey, algorithm }) });
        const res = await getProbe(app, tokens[algorithm]);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          user: { isAuthenticated: true, displayName: 'alice', identity: 'user-1' },
          scopes: ['authenticated', 'read'],
          payload: claims(),
        });
        expect(probe.handlerRan).toBe(true);
      });

      it('responds 401 with error="invalid_token" and reason bad_signature when PyJWT signed with a different key', async () => {
        const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ secretKey: material.verificationKey, algorithm }) });
        const res = await getProbe(app, tokens[`${algorithm} with another key`]);
        expectRejection(res, probe, invalidTokenRejection('bad_signature'));
      });
    });

    describe('when the PyJWT token has expired', () => {
      it('responds 401 with error="invalid_token" and reason expired', async () => {
        const { app, probe } = buildApp({ expressFactory });
        const res = await getProbe(app, tokens.expired);
        expectRejection(res, probe, invalidTokenRejection('expired'));
        expect(JSON.parse(res.text)).toMatchObject({ claim: 'exp' });
      });
    });

    describe('when the backend checks the audience and the issuer of PyJWT tokens', () => {
      const backend = (): ReturnType<typeof jwtBackend> =>
        jwtBackend({ secretKey: RSA.verificationKey, algorithm: 'RS256', audience: AUDIENCE, issuer: ISSUER });

      it.each([
        ['aud and iss both match', 'matching aud and iss'],
        ['aud is a list that contains the expected audience', 'aud list with ours'],
      ])('accepts the token when %s', async (_case, job) => {
        const { app, probe } = buildApp({ expressFactory, backend: backend() });
        const res = await getProbe(app, tokens[job]);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ user: { identity: 'user-1' }, payload: { iss: ISSUER } });
        expect(probe.handlerRan).toBe(true);
      });

      it.each([
        ['aud', 'wrong aud'],
        ['iss', 'wrong iss'],
      ])('responds 401 with error="invalid_token" and reason claim_mismatch naming %s when it has another value', async (claim, job) => {
        const { app, probe } = buildApp({ expressFactory, backend: backend() });
        const res = await getProbe(app, tokens[job]);
        expectRejection(res, probe, invalidTokenRejection('claim_mismatch'));
        const body = JSON.parse(res.text) as Record<string, unknown>;
        expect(body.claim).toBe(claim);
        // RFC 6750 §3 spirit, and our rule: the expected value is never echoed.
        expect(res.text).not.toContain(claim === 'aud' ? AUDIENCE : ISSUER);
      });
    });
  });
});
