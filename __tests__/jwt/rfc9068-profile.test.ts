import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import * as jose from 'jose';
import request from 'supertest';
import { JWTAuthenticationBackend } from '../../lib';
import { OAuth2PasswordBearer } from '../../lib/oauth2';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith } from '../helpers/remote-apps';
import { buildTokenApp } from '../oauth2/token-apps';
import { claims, hmacToken, NOW, rawToken, SECRET, signToken } from '../helpers/tokens';

const ISSUER = 'https://auth.example';
const AUDIENCE = 'https://api.example';

/** RFC 9068 §2.2's claims, all present, for the test clock. */
const accessClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  claims({ iss: ISSUER, aud: AUDIENCE, client_id: 'app-1', jti: 'id-1', ...overrides });
const accessToken = (overrides: Record<string, unknown> = {}, typ = 'at+jwt'): string => signToken(accessClaims(overrides), { header: { typ } });
const profileBackend = (options: Parameters<typeof jwtBackend>[0] = {}): JWTAuthenticationBackend =>
  jwtBackend({ profile: 'rfc9068', issuer: ISSUER, audience: AUDIENCE, ...options });

describe.each(EXPRESS_VERSIONS)('the rfc9068 profile on %s', (_name, expressFactory) => {
  it.each([['at+jwt'], ['application/at+jwt'], ['AT+JWT']])('accepts a compliant access token with typ %s', async (typ) => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    const res = await probeWith(target, accessToken({}, typ));
    expect(res.status).toBe(200);
    expect(target.probe.handlerRan).toBe(true);
  });

  it('responds 401 claim_mismatch (typ) to an ID token or any other typ', async () => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    expectInvalidToken(await probeWith(target, accessToken({}, 'JWT')), target.probe, 'claim_mismatch', 'typ');
  });

  it('responds 401 missing_claim (typ) to a token without typ', async () => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    const token = signToken(accessClaims(), { header: { typ: undefined } });
    expectInvalidToken(await probeWith(target, token), target.probe, 'missing_claim', 'typ');
  });

  it.each(['iss', 'aud', 'exp', 'iat', 'sub', 'client_id', 'jti'])('responds 401 missing_claim naming %s when the token lacks it', async (claim) => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    // By hand: jsonwebtoken would add an iat of its own.
    const payload = JSON.parse(JSON.stringify(accessClaims({ [claim]: undefined }))) as Record<string, unknown>;
    expectInvalidToken(await probeWith(target, hmacToken({ alg: 'HS256', typ: 'at+jwt' }, payload)), target.probe, 'missing_claim', claim);
  });

  it.each([
    ['sub', 42],
    ['client_id', ['app-1']],
  ])('responds 401 malformed naming %s when it is not a string', async (claim, value) => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    expectInvalidToken(await probeWith(target, accessToken({ [claim]: value })), target.probe, 'malformed', claim);
  });

  it('keeps checking iss and aud values', async () => {
    const target = buildApp({ backend: profileBackend(), expressFactory });
    expectInvalidToken(await probeWith(target, accessToken({ aud: 'https://other.example' })), target.probe, 'claim_mismatch', 'aud');
  });

  it('adds the backend\'s own requiredClaims to the profile\'s', async () => {
    const target = buildApp({ backend: profileBackend({ requiredClaims: ['auth_time'] }), expressFactory });
    expectInvalidToken(await probeWith(target, accessToken()), target.probe, 'missing_claim', 'auth_time');
    expect((await probeWith(target, accessToken({ auth_time: NOW }))).status).toBe(200);
  });
});

describe('createToken under the rfc9068 profile', () => {
  it('writes typ at+jwt and every claim RFC 9068 requires, and accepts the token', async () => {
    const backend = profileBackend();
    const token = backend.createToken({ sub: 'user-1', client_id: 'app-1', scope: 'read' });
    expect(jose.decodeProtectedHeader(token).typ).toBe('at+jwt');
    expect(Object.keys(jose.decodeJwt(token)).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect((await probeWith(buildApp({ backend }), token)).status).toBe(200);
  });

  it.each([
    ['without client_id', { sub: 'user-1' }, '"client_id"'],
    ['without sub', { client_id: 'app-1' }, '"sub"'],
    ['with a client_id that is not a string', { sub: 'user-1', client_id: 7 }, '"client_id"'],
  ])('throws a TypeError %s', (_case, tokenClaims, name) => {
    expect(() => profileBackend().createToken(tokenClaims)).toThrow(`createToken: profile 'rfc9068' requires ${name} as a non-empty string`);
  });

  it('throws a TypeError when the backend has no single issuer to write and the claims give none', () => {
    expect(() => profileBackend({ issuer: [ISSUER, 'https://b.example'] }).createToken({ sub: 'u', client_id: 'c' })).toThrow('requires "iss"');
    expect(profileBackend({ issuer: [ISSUER, 'https://b.example'] }).createToken({ sub: 'u', client_id: 'c', iss: ISSUER })).toEqual(expect.any(String));
  });

  it('throws a TypeError when the backend has no single audience to write and the claims give none', () => {
    expect(() => profileBackend({ audience: /api/ }).createToken({ sub: 'u', client_id: 'c' })).toThrow('requires "aud"');
  });
});

describe('the profile option at construction', () => {
  it.each([
    ['an unknown profile', { profile: 'rfc7519' }, '"profile" must be \'rfc9068\''],
    ['no issuer', { profile: 'rfc9068', audience: AUDIENCE }, 'give "issuer" and "audience"'],
    ['no audience', { profile: 'rfc9068', issuer: ISSUER }, 'give "issuer" and "audience"'],
    ['another type', { profile: 'rfc9068', issuer: ISSUER, audience: AUDIENCE, type: 'JWT' }, 'requires typ at+jwt'],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, ...(options as object) })).toThrow(message);
  });

  it('accepts type at+jwt spelled as a media type beside it', () => {
    expect(() => profileBackend({ type: 'application/at+jwt' })).not.toThrow();
  });
});

describe('the OAuth2 token endpoint of a backend with the rfc9068 profile', () => {
  it('issues compliant access tokens when verifyCredentials returns the client_id among the claims', async () => {
    const oauth2 = new OAuth2PasswordBearer(profileBackend(), { tokenUrl: '/token' });
    const { app } = buildTokenApp({
      backend: oauth2,
      endpoint: { verifyCredentials: (username) => ({ sub: username, scopes: ['read'], claims: { client_id: 'app-1' } }) },
    });
    const res = await request(app).post('/token').type('form').send({ grant_type: 'password', username: 'alice', password: 'x' });
    expect(res.status).toBe(200);
    const token = res.body.access_token as string;
    expect(jose.decodeProtectedHeader(token).typ).toBe('at+jwt');
    expect(jose.decodeJwt(token)).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', client_id: 'app-1', jti: expect.any(String) });
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
});

describe('the rfc9068 profile with several issuers', () => {
  const ed = generateKeyPairSync('ed25519');
  const backend = (): JWTAuthenticationBackend => new JWTAuthenticationBackend({
    profile: 'rfc9068',
    clock: () => NOW * 1000,
    issuers: [
      { issuer: ISSUER, audience: AUDIENCE, secretKey: ed.publicKey, algorithms: ['Ed25519'] },
      { issuer: 'https://other.example', audience: AUDIENCE, secretKey: ed.publicKey, algorithms: ['Ed25519'] },
    ],
  });
  const edToken = (payload: Record<string, unknown>, typ = 'at+jwt'): string => {
    const input = rawToken({ alg: 'Ed25519', typ }, JSON.parse(JSON.stringify(payload))).split('.').slice(0, 2).join('.');
    return `${input}.${cryptoSign(null, Buffer.from(input), ed.privateKey).toString('base64url')}`;
  };

  it('takes issuers in place of issuer and audience, and accepts a compliant token of either issuer', async () => {
    const target = buildApp({ backend: backend() });
    expect((await probeWith(target, edToken(accessClaims()))).status).toBe(200);
    expect((await probeWith(target, edToken(accessClaims({ iss: 'https://other.example' })))).status).toBe(200);
  });

  it('still requires the profile\'s typ and claims of each issuer\'s tokens', async () => {
    const target = buildApp({ backend: backend() });
    expectInvalidToken(await probeWith(target, edToken(accessClaims(), 'JWT')), target.probe, 'claim_mismatch', 'typ');
    expectInvalidToken(await probeWith(target, edToken(accessClaims({ client_id: undefined }))), target.probe, 'missing_claim', 'client_id');
    expectInvalidToken(await probeWith(target, edToken(accessClaims({ client_id: 7 }))), target.probe, 'malformed', 'client_id');
  });
});
