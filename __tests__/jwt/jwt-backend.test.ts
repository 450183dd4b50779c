import request from 'supertest';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import type { InvalidTokenReason } from '../../lib';
import { expectRejection, invalidTokenChallenge, invalidTokenRejection, REASON_DESCRIPTIONS } from '../helpers/expectations';
import { claims, hmacToken, keys, NOW, pem, rawToken, signToken } from '../helpers/tokens';


describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend on %s', (_name, expressFactory) => {
  describe('when the token is valid', () => {
    it('sets a JWTUser named by the username claim and credentials with the scopes', async () => {
      const { app, probe } = buildApp({ expressFactory });
      const token = signToken(claims({ scope: 'read write' }));
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
      expect(res.body.scopes).toEqual(['authenticated', 'read', 'write']);
      expect(res.body.payload).toEqual(claims({ scope: 'read write' }));
      expect(probe.handlerRan).toBe(true);
    });

    it('matches the scheme case-insensitively', async () => {
      const { app } = buildApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', `bEaReR ${signToken()}`);
      expect(res.status).toBe(200);
    });
  });

  describe('when the request carries no credentials for this backend', () => {
    it.each([
      ['no Authorization header', undefined],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['a scheme that only starts like Bearer', `Bearerx ${signToken()}`],
    ])('treats %s as anonymous', async (_case, header) => {
      const { app, probe } = buildApp({ expressFactory });
      const req = request(app).get('/probe');
      if (header !== undefined) req.set('Authorization', header);
      const res = await req;
      expect(res.status).toBe(200);
      expect(res.body.user).toBeNull();
      expect(res.body.scopes).toEqual([]);
      expect(probe.handlerRan).toBe(true);
    });
  });

  describe('when the Authorization header is malformed', () => {
    it.each([
      ['the scheme alone', 'Bearer', 'The Authorization header names the scheme but carries no token.'],
      ['the scheme and blanks', 'Bearer    ', 'The Authorization header names the scheme but carries no token.'],
      ['two tokens', 'Bearer a.b.c d.e.f', 'The Authorization header is not a single scheme followed by a single token.'],
    ])('responds 400 invalid_request for %s', async (_case, header, description) => {
      const { app, probe } = buildApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', header);
      expectRejection(res, probe, {
        status: 400,
        error: 'invalid_request',
        challenge: `Bearer realm="api", error="invalid_request", error_description="${description}"`,
      });
    });
  });

  describe('when the token is rejected', () => {
    const cases: [string, string, InvalidTokenReason, string | undefined][] = [
      ['has expired', signToken(claims({ exp: NOW - 1 })), 'expired', 'exp'],
      ['expires this very second', signToken(claims({ exp: NOW })), 'expired', 'exp'],
      ['is not valid yet', signToken(claims({ nbf: NOW + 60 })), 'not_yet_valid', 'nbf'],
      ['is signed with another secret', signToken(claims(), { key: 'another-secret-0123456789abcdefghij' }), 'bad_signature', undefined],
      ['has a tampered payload', tamper(signToken()), 'bad_signature', undefined],
      ['has no signature', signToken().replace(/\.[^.]+$/, '.'), 'malformed', undefined],
      ['has two segments', signToken().split('.').slice(0, 2).join('.'), 'malformed', undefined],
      ['has four segments', `${signToken()}.abc`, 'malformed', undefined],
      ['is not base64url', 'a+b.c/d.e=f', 'malformed', undefined],
      ['has a padded segment', signToken().replace('.', '=.'), 'malformed', undefined],
      ['has a payload that is not JSON', `${signToken().split('.')[0]}.${Buffer.from('hello').toString('base64url')}.c2ln`, 'malformed', undefined],
      ['has a payload that is a JSON array', rawToken({ alg: 'HS256' }, [1, 2]), 'malformed', undefined],
      ['has a signature spelt with non-zero spare bits (a second spelling of the same bytes)', respell(signToken()), 'malformed', undefined],
      ['has a signature of a length no bytes encode to', `${signToken()}AA`, 'malformed', undefined],
      ['has a payload led by a byte order mark', `${signToken().split('.')[0]}.${Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(claims()))]).toString('base64url')}.c2ln`, 'malformed', undefined],
      ['has a header that is not UTF-8', `${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${rawToken({}, {}).split('.')[1]}.c2ln`, 'malformed', undefined],
      ['uses alg none', rawToken({ alg: 'none' }, claims(), 'c2ln'), 'algorithm_not_allowed', undefined],
      ['uses an algorithm outside the allow-list', signToken(claims(), { algorithm: 'HS512' }), 'algorithm_not_allowed', undefined],
      ['has no alg header', rawToken({ typ: 'JWT' }, claims()), 'algorithm_not_allowed', undefined],
      ['has no exp claim', signToken(claims({ exp: undefined })), 'missing_claim', 'exp'],
      ['has an exp that is not a number', hmacToken({ alg: 'HS256' }, claims({ exp: 'tomorrow' })), 'malformed', 'exp'],
    ];

    it.each(cases)('responds 401 invalid_token when the token %s', async (_case, token, reason, claim) => {
      const { app, probe } = buildApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      expectRejection(res, probe, invalidTokenRejection(reason));
      expect(res.body.claim).toBe(claim);
    });

    it('never echoes the token or the secret in the response', async () => {
      const { app } = buildApp({ expressFactory });
      const token = signToken(claims({ exp: NOW - 1 }));
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      const rendered = JSON.stringify(res.headers) + res.text;
      expect(rendered).not.toContain(token.split('.')[1]);
      expect(rendered).not.toContain('test-secret');
    });
  });
});

/** The same token with the last signature character's lowest (spare) bit set: same bytes, another text. */
function respell(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return `${token.slice(0, -1)}${alphabet[alphabet.indexOf(token[token.length - 1]) ^ 1]}`;
}

function tamper(token: string): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify(claims({ scope: 'read admin' }))).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('JWTAuthenticationBackend claims checks', () => {
  async function statusOf(options: Parameters<typeof jwtBackend>[0], token: string): Promise<request.Response> {
    const { app } = buildApp({ backend: jwtBackend(options) });
    return request(app).get('/probe').set('Authorization', `Bearer ${token}`);
  }

  describe('when an issuer is configured', () => {
    it('accepts a token from one of the listed issuers', async () => {
      const res = await statusOf({ issuer: ['https://a.example', 'https://b.example'] }, signToken(claims({ iss: 'https://b.example' })));
      expect(res.status).toBe(200);
    });

    it('rejects a token without iss with reason missing_claim', async () => {
      const res = await statusOf({ issuer: 'https://a.example' }, signToken(claims()));
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'iss' });
    });

    it('rejects a token from another issuer with reason claim_mismatch, without naming the expected issuer', async () => {
      const res = await statusOf({ issuer: 'https://a.example' }, signToken(claims({ iss: 'https://evil.example' })));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'claim_mismatch', claim: 'iss' });
      expect(JSON.stringify(res.headers) + res.text).not.toContain('a.example');
    });
  });

  describe('when an audience is configured', () => {
    it.each([
      ['a string', 'my-api', 'my-api'],
      ['a RegExp', /^urn:api:/, ['other', 'urn:api:orders']],
      ['a list', ['x', 'my-api'], 'my-api'],
    ])('accepts a matching aud when the audience is %s', async (_case, audience, aud) => {
      const res = await statusOf({ audience }, signToken(claims({ aud })));
      expect(res.status).toBe(200);
    });

    it('answers the same token the same way every time with a RegExp audience that has the g flag', async () => {
      const options = { audience: /^my-api$/g };
      const { app } = buildApp({ backend: jwtBackend(options) });
      const token = signToken(claims({ aud: 'my-api' }));
      for (let i = 0; i < 3; i++) {
        expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      }
      expect(options.audience.lastIndex).toBe(0);
    });

    it('rejects a token without aud with reason missing_claim, even when a RegExp would match "undefined"', async () => {
      const res = await statusOf({ audience: /^[a-z]+$/ }, signToken(claims()));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'aud' });
    });

    it('rejects an aud that is not text with reason malformed', async () => {
      const res = await statusOf({ audience: /^\d+$/ }, signToken(claims({ aud: [123] })));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'malformed', claim: 'aud' });
    });

    it('rejects a token for another audience with reason claim_mismatch, without naming the expected audience', async () => {
      const res = await statusOf({ audience: 'secret-audience-name' }, signToken(claims({ aud: 'other' })));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'claim_mismatch', claim: 'aud' });
      expect(JSON.stringify(res.headers) + res.text).not.toContain('secret-audience-name');
    });
  });

  describe('when a subject is configured', () => {
    it('rejects a token for another subject with reason claim_mismatch', async () => {
      const res = await statusOf({ subject: 'user-2' }, signToken());
      expect(res.body).toMatchObject({ reason: 'claim_mismatch', claim: 'sub' });
    });
  });

  describe('when a clock tolerance is configured', () => {
    it('accepts a token that expired within the tolerance', async () => {
      const res = await statusOf({ clockTolerance: 30 }, signToken(claims({ exp: NOW - 10 })));
      expect(res.status).toBe(200);
    });

    it('rejects a token that expired beyond the tolerance', async () => {
      const res = await statusOf({ clockTolerance: 30 }, signToken(claims({ exp: NOW - 31 })));
      expect(res.body.reason).toBe('expired');
    });
  });

  describe('when maxAge is configured', () => {
    it('rejects a token issued longer ago than maxAge with reason expired', async () => {
      const res = await statusOf({ maxAge: 60 }, signToken(claims({ iat: NOW - 61 })));
      expect(res.body).toMatchObject({ reason: 'expired', claim: 'iat' });
    });

    it('rejects a token without iat with reason missing_claim', async () => {
      const res = await statusOf({ maxAge: 60 }, hmacToken({ alg: 'HS256' }, claims({ iat: undefined })));
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'iat' });
    });
  });

  describe('when requiredClaims is configured', () => {
    it('accepts a token without exp when the user opts out with []', async () => {
      const res = await statusOf({ requiredClaims: [] }, signToken(claims({ exp: undefined })));
      expect(res.status).toBe(200);
    });

    it('does not count inherited properties such as constructor as present claims', async () => {
      const res = await statusOf({ requiredClaims: ['constructor'] }, signToken());
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'constructor' });
    });

    it('rejects a token lacking a listed claim with its name', async () => {
      const res = await statusOf({ requiredClaims: ['exp', 'jti'] }, signToken());
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'jti' });
    });
  });

  describe('when the signature is wrong and a claim is wrong too', () => {
    it('reports the signature, because the signature is checked before any claim', async () => {
      const token = signToken(claims({ exp: NOW - 100, iss: 'wrong' }), { key: 'another-secret-0123456789abcdefghij' });
      const res = await statusOf({ issuer: 'right' }, token);
      expect(res.body.reason).toBe('bad_signature');
    });
  });
});

describe('JWTAuthenticationBackend with asymmetric keys', () => {
  it.each([
    ['RS256', keys.rsa, 'RS256'],
    ['PS256', keys.rsa, 'PS256'],
    ['ES256', keys.ec256, 'ES256'],
    ['ES384', keys.ec384, 'ES384'],
    ['ES512', keys.ec521, 'ES512'],
  ] as const)('accepts a %s token verified with the public key PEM', async (_case, pair, algorithm) => {
    const token = signToken(claims(), { key: pair.privateKey, algorithm });
    const { app } = buildApp({ backend: jwtBackend({ secretKey: pem(pair.publicKey), algorithm }) });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });

  it('accepts a public KeyObject and a private key reduced to its public half', async () => {
    const token = signToken(claims(), { key: keys.rsa.privateKey, algorithm: 'RS256' });
    for (const secretKey of [keys.rsa.publicKey, keys.rsa.privateKey]) {
      const { app } = buildApp({ backend: jwtBackend({ secretKey, algorithm: 'RS256' }) });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
    }
  });

  it('rejects an HS256 token signed with the public key as HMAC secret (algorithm confusion)', async () => {
    const publicPem = pem(keys.rsa.publicKey);
    const forged = signToken(claims(), { key: Buffer.from(publicPem), algorithm: 'HS256' });
    const { app, probe } = buildApp({ backend: jwtBackend({ secretKey: publicPem, algorithm: 'RS256' }) });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${forged}`);
    expectRejection(res, probe, {
      status: 401, error: 'invalid_token', reason: 'algorithm_not_allowed',
      challenge: invalidTokenChallenge(REASON_DESCRIPTIONS.algorithm_not_allowed),
    });
  });

  it('accepts RS256 and PS256 tokens when both are in the allow-list', async () => {
    const { app } = buildApp({ backend: jwtBackend({ secretKey: keys.rsa.publicKey, algorithms: ['RS256', 'PS256'] }) });
    for (const algorithm of ['RS256', 'PS256'] as const) {
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims(), { key: keys.rsa.privateKey, algorithm })}`);
      expect(res.status).toBe(200);
    }
  });
});
