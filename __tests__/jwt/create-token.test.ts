import express from 'express';
import request from 'supertest';
import { JWTAuthenticationBackend, type LoginOptions } from '../../lib';
import { buildApp, jwtBackend } from '../helpers/apps';
import { fixedClock, keys, NOW, pem, SECRET } from '../helpers/tokens';

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
}

async function accepts(backend: JWTAuthenticationBackend, token: string): Promise<boolean> {
  const { app } = buildApp({ backend });
  const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
  return res.status === 200 && res.body.user.isAuthenticated === true;
}

describe('JWTAuthenticationBackend.createToken', () => {
  it('sets iat, exp one hour ahead, a random jti, and the given claims', () => {
    const backend = jwtBackend();
    const token = backend.createToken({ sub: 'user-1', scope: 'read' });
    const payload = decodePayload(token);
    expect(payload).toEqual({ sub: 'user-1', scope: 'read', iat: NOW, exp: NOW + 3600, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(decodePayload(backend.createToken({ sub: 'user-1' })).jti).not.toBe(payload.jti);
    expect(decodeHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('takes a string as the subject', () => {
    expect(decodePayload(jwtBackend().createToken('alice')).sub).toBe('alice');
  });

  it('uses expiresIn from the call, then from the backend', () => {
    expect(decodePayload(jwtBackend().createToken('a', { expiresIn: 60 })).exp).toBe(NOW + 60);
    expect(decodePayload(jwtBackend({ expiresIn: 900 }).createToken('a')).exp).toBe(NOW + 900);
  });

  it('sets the single configured issuer and audience, so the backend accepts what it issues', async () => {
    const backend = jwtBackend({ issuer: 'https://auth.example', audience: 'my-api' });
    const token = backend.createToken('alice');
    expect(decodePayload(token)).toMatchObject({ iss: 'https://auth.example', aud: 'my-api' });
    expect(await accepts(backend, token)).toBe(true);
  });

  it('leaves iss and aud unset when the backend accepts several', () => {
    const payload = decodePayload(jwtBackend({ issuer: ['a', 'b'], audience: /^api:/ }).createToken('alice'));
    expect(payload.iss).toBeUndefined();
    expect(payload.aud).toBeUndefined();
  });

  it('signs with the first allowed algorithm', () => {
    const backend = jwtBackend({ algorithms: ['HS512', 'HS256'] });
    expect(decodeHeader(backend.createToken('a')).alg).toBe('HS512');
  });

  it.each(['iat', 'exp', 'jti'])('throws a TypeError for claims that set %s', (claim) => {
    expect(() => jwtBackend().createToken({ sub: 'a', [claim]: 1 })).toThrow(new RegExp(`"${claim}" is set by createToken itself`));
  });

  it.each([0, 1.5, -10])('throws a TypeError for an expiresIn of %p', (expiresIn) => {
    expect(() => jwtBackend().createToken('a', { expiresIn })).toThrow(/whole number of seconds/);
  });

  describe('when the subject is not a non-empty string', () => {
    it.each([
      ['the empty string as the subject', ''],
      ['an empty sub', { sub: '' }],
      ['a numeric sub', { sub: 42 }],
      ['a null sub', { sub: null }],
      ['a sub that is a list', { sub: ['alice'] }],
      ['a sub that is an object', { sub: { id: 'alice' } }],
    ])('throws a TypeError saying so for %s, rather than issue a token without a usable identity', (_case, claimsOrSubject) => {
      const backend = jwtBackend();
      expect(() => backend.createToken(claimsOrSubject as string)).toThrow(TypeError);
      expect(() => backend.createToken(claimsOrSubject as string)).toThrow('createToken: "sub" must be a non-empty string (the user\'s id, e.g. String(user.id)), or left out.');
    });

    it('throws the same TypeError from login, before anything is sent', () => {
      const fakeResponse = {} as Parameters<JWTAuthenticationBackend['login']>[0];
      expect(() => jwtBackend().login(fakeResponse, '')).toThrow(/"sub" must be a non-empty string/);
    });
  });

  it('issues tokens without sub, which it accepts with an empty identity', async () => {
    const backend = jwtBackend();
    const token = backend.createToken({ scope: 'read' });
    expect(decodePayload(token)).not.toHaveProperty('sub');
    const res = await request(buildApp({ backend }).app).get('/probe').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ isAuthenticated: true, displayName: '', identity: '' });
  });

  it('throws a TypeError for an iss that is not a string, which no backend here would accept', () => {
    expect(() => jwtBackend().createToken({ sub: 'alice', iss: 7 })).toThrow('createToken: "iss" must be a string.');
  });

  it('does not mutate the claims object', () => {
    const claims = Object.freeze({ sub: 'a', scope: 'read' });
    jwtBackend().createToken(claims);
    expect(claims).toEqual({ sub: 'a', scope: 'read' });
  });

  describe('with asymmetric keys', () => {
    it.each([
      ['RS256', keys.rsa],
      ['ES256', keys.ec256],
    ] as const)('signs %s tokens with signingKey, which the backend then accepts', async (algorithm, pair) => {
      const backend = jwtBackend({ secretKey: pem(pair.publicKey), algorithm, signingKey: pair.privateKey });
      const token = backend.createToken('alice');
      expect(decodeHeader(token).alg).toBe(algorithm);
      expect(await accepts(backend, token)).toBe(true);
    });

    it('accepts a PEM private key as signingKey', async () => {
      const privatePem = keys.rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const backend = jwtBackend({ secretKey: keys.rsa.publicKey, algorithm: 'RS256', signingKey: privatePem });
      expect(await accepts(backend, backend.createToken('alice'))).toBe(true);
    });

    it('throws a TypeError from createToken when the backend has no signingKey', () => {
      const backend = jwtBackend({ secretKey: keys.rsa.publicKey, algorithm: 'RS256' });
      expect(() => backend.createToken('alice')).toThrow(/give it "signingKey"/);
    });
  });
});

describe('JWTAuthenticationBackend construction with signing options', () => {
  it.each([
    ['a signingKey on an HMAC backend', { secretKey: SECRET, signingKey: keys.rsa.privateKey }, /HMAC backends sign with "secretKey"/],
    ['a signingKey that is not a key', { secretKey: keys.rsa.publicKey, algorithm: 'RS256', signingKey: 'nope' }, /not a PEM private key/],
    ['a public key as signingKey', { secretKey: keys.rsa.publicKey, algorithm: 'RS256', signingKey: keys.rsa.publicKey }, /must be a private key/],
    ['the private key of another pair', { secretKey: keys.ec256.publicKey, algorithm: 'ES256', signingKey: keys.ec384.privateKey }, /not the private half/],
    ['an expiresIn that is not whole', { secretKey: SECRET, expiresIn: 1.5 }, /"expiresIn" must be a whole number/],
    ['an expiresIn of zero', { secretKey: SECRET, expiresIn: 0 }, /"expiresIn" must be a finite number of at least 1/],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(() => new JWTAuthenticationBackend({ clock: fixedClock, ...(options as { secretKey: string }) })).toThrow(message);
  });
});

describe('JWTAuthenticationBackend.login', () => {
  function loginApp(backend: JWTAuthenticationBackend, subject: string | Record<string, unknown>, options?: LoginOptions): express.Express {
    const app = express();
    app.post('/login', (_req, res) => {
      backend.login(res, subject, options);
    });
    return app;
  }

  it('answers 201 with the token in the Authorization header and the body, not cacheable', async () => {
    const backend = jwtBackend();
    const res = await request(loginApp(backend, 'alice')).post('/login');
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(res.headers.authorization).toBe(`Bearer ${res.body.access_token}`);
    expect(decodePayload(res.body.access_token)).toMatchObject({ sub: 'alice', exp: NOW + 3600 });
    expect(await accepts(backend, res.body.access_token)).toBe(true);
  });

  it('uses the status, body and expiresIn it is given', async () => {
    const res = await request(loginApp(jwtBackend(), { sub: 'alice', scope: 'read' }, { status: 200, body: { ok: true }, expiresIn: 60 })).post('/login');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const token = String(res.headers.authorization).replace('Bearer ', '');
    expect(decodePayload(token)).toMatchObject({ scope: 'read', exp: NOW + 60 });
  });

  it('names the token type after the prefix', async () => {
    const res = await request(loginApp(jwtBackend({ prefix: 'JWT' }), 'alice')).post('/login');
    expect(res.body.token_type).toBe('JWT');
    expect(res.headers.authorization).toMatch(/^JWT /);
  });

  it('throws a TypeError for a status that is not a success or redirection', () => {
    const fakeResponse = {} as Parameters<JWTAuthenticationBackend['login']>[0];
    expect(() => jwtBackend().login(fakeResponse, 'alice', { status: 500 })).toThrow(/200-399/);
  });
});
