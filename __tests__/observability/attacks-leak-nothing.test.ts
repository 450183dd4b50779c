import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { type Algorithm, authenticated, type JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { recordChannels } from '../helpers/channel-recorder';
import { hmacSigned, NONE_SPELLINGS, signedToken, unsecuredToken, withoutSignature, withPayload } from '../helpers/hostile-tokens';
import { BACKENDS, withToken } from '../helpers/security-backends';
import { claims, keys, NOW, pem, SECRET } from '../helpers/tokens';

// Every channel subscribed while hostile and merely wrong tokens are refused: no message may
// carry the token (or any of its segments), the secret, or a value the backend expects
// (issuer, audience, subject). What the operator sees are codes and names only.

const ISSUER = 'https://expected-issuer.example/';
const AUDIENCE = 'expected-audience-value';
const SUBJECT = 'expected-subject-value';

type Setup = 'HS256' | 'RS256';
const SETUPS: Readonly<Record<Setup, { readonly secretKey: string; readonly signingKey: string | KeyObject }>> = {
  HS256: { secretKey: SECRET, signingKey: SECRET },
  RS256: { secretKey: pem(keys.rsa.publicKey), signingKey: keys.rsa.privateKey },
};
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

const genuineClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => claims({ iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, ...overrides });
const genuine = (setup: Setup, overrides: Record<string, unknown> = {}): string => signedToken(setup, SETUPS[setup].signingKey, genuineClaims(overrides));

const ATTACKS: readonly (readonly [string, Setup, () => string])[] = [
  ...NONE_SPELLINGS.map((alg) => [`alg "${alg}"`, 'HS256', () => unsecuredToken(alg, genuineClaims())] as const),
  ['HS256 signed with the RSA public key PEM', 'RS256', () => hmacSigned({ alg: 'HS256', typ: 'JWT' }, genuineClaims(), pem(keys.rsa.publicKey))],
  ['a stripped signature', 'HS256', () => withoutSignature(genuine('HS256'))],
  ['a tampered payload', 'RS256', () => withPayload(genuine('RS256'), genuineClaims({ scope: 'read admin' }))],
  ['the attacker\'s RSA key', 'RS256', () => signedToken('RS256', attacker.privateKey, genuineClaims())],
  ['an expired token', 'HS256', () => genuine('HS256', { iat: NOW - 7200, exp: NOW - 3600 })],
  ['another issuer', 'HS256', () => genuine('HS256', { iss: 'https://attacker.example/' })],
  ['another audience', 'RS256', () => genuine('RS256', { aud: 'attacker-audience' })],
  ['another subject', 'HS256', () => genuine('HS256', { sub: 'attacker-subject' })],
  ['no exp claim', 'HS256', () => genuine('HS256', { exp: undefined })],
  ['a token with a 2 KiB junk claim', 'HS256', () => genuine('HS256', { junk: 'x'.repeat(2048), iss: 'https://attacker.example/' })],
  ['garbage', 'HS256', () => 'not.a.token'],
];

const recorder = recordChannels();
afterAll(() => recorder.stop());
beforeEach(() => recorder.clear());

function options(setup: Setup): JWTAuthenticationBackendOptions {
  return { secretKey: SETUPS[setup].secretKey, algorithm: setup as Algorithm, issuer: ISSUER, audience: AUDIENCE, subject: SUBJECT, clock: () => NOW * 1000 };
}

describe.each(EXPRESS_VERSIONS)('every channel during attacks (%s)', (_name, expressFactory) => {
  describe.each(BACKENDS)('$name', (backend) => {
    it.each(ATTACKS)('publishes a refusal for %s without the token, the secret or an expected value', async (_attack, setup, makeToken) => {
      const { app, probe } = buildApp({ expressFactory, backend: backend.build(options(setup)), guards: [authenticated()] });
      const token = makeToken();
      // Twice: the second time may be answered from the cache of forged tokens.
      for (let i = 0; i < 2; i++) {
        const res = await withToken(request(app).get('/probe'), backend.transport, token);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
        expect(probe.handlerRan).toBe(false);
      }
      const published = JSON.stringify(recorder.messages);
      expect(recorder.messages.filter((entry) => entry.channel === 'express-jwt-auth:authenticate')).toHaveLength(2);
      expect(published).toContain('"outcome":"refused"');
      for (const secret of [SECRET, ISSUER, AUDIENCE, SUBJECT, token, ...token.split('.').filter((part) => part.length > 8)]) {
        expect(published).not.toContain(secret);
      }
      expect(published).not.toContain('attacker');
    });
  });
});
