import { createHmac } from 'node:crypto';
import request from 'supertest';
import { InvalidTokenError, type JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { cookieBackend } from '../helpers/cookies';
import { expectRejection } from '../helpers/expectations';
import { hmacSigned, rawSegment, segment } from '../helpers/hostile-tokens';
import { fakeRequest, outcomeOf } from '../helpers/raw-requests';
import { BACKENDS, expectTokenRefused } from '../helpers/security-backends';
import { claims, fixedClock, NOW, SECRET, signToken } from '../helpers/tokens';

// RFC 7515 §7.1 and RFC 7519 §7.2: exactly three strict base64url segments, JSON objects in
// valid UTF-8, registered claims of their registered types, and a size bound checked first.

const HEADER = { alg: 'HS256', typ: 'JWT' };

/** HMAC-signs a header and payload given as already-encoded segments, so the shape is all that is wrong. */
function signedSegments(header: string, payload: string): string {
  const input = `${header}.${payload}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** A genuine token whose signature segment contains `-` or `_`, to respell in standard base64. */
function tokenWithUrlSafeSignature(): string {
  for (let jti = 0; ; jti++) {
    const token = signToken(claims({ jti: String(jti) }));
    if (/[-_]/.test(token.split('.')[2])) return token;
  }
}

/** A payload segment containing `-` or `_`, with a valid signature over it. */
function tokenWithUrlSafePayload(): string {
  for (let jti = 0; ; jti++) {
    const payload = segment(claims({ jti: `${jti}??>>` }));
    if (/[-_]/.test(payload)) return signedSegments(segment(HEADER), payload);
  }
}

/** `json` (with trailing spaces, still JSON) in base64url with the `=` padding RFC 7515 §2 forbids. */
function padded(json: string): string {
  let text = json;
  while (Buffer.byteLength(text) % 3 === 0) text += ' ';
  const body = Buffer.from(text).toString('base64url');
  return `${body}${'='.repeat((4 - (body.length % 4)) % 4)}`;
}

/** `text` lengthened to 4n+1 characters, a length no byte string encodes to. */
function oneCharacterTooMany(text: string): string {
  let result = `${text}A`;
  while (result.length % 4 !== 1) result += 'A';
  return result;
}

const toStandardBase64 = (text: string): string => text.replace(/-/g, '+').replace(/_/g, '/');

describe.each(EXPRESS_VERSIONS)('RFC 7515/7519 token shape on %s', (_version, expressFactory) => {
  async function send(token: string, options: Partial<JWTAuthenticationBackendOptions> = {}): Promise<{ res: request.Response; probe: ReturnType<typeof buildApp>['probe'] }> {
    const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(options) });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    return { res, probe };
  }

  describe('strict base64url', () => {
    it.each([
      ['a signature in the standard alphabet (+ and /)', () => {
        const [header, payload, signature] = tokenWithUrlSafeSignature().split('.');
        return `${header}.${payload}.${toStandardBase64(signature)}`;
      }],
      ['a payload in the standard alphabet, signed as sent', () => {
        const [header, payload] = tokenWithUrlSafePayload().split('.');
        return signedSegments(header, toStandardBase64(payload));
      }],
      ['a padded header, signed as sent', () => signedSegments(padded(JSON.stringify(HEADER)), segment(claims()))],
      ['a padded payload, signed as sent', () => signedSegments(segment(HEADER), padded(JSON.stringify(claims())))],
      ['a padded signature', () => `${signToken()}=`],
      ['a header segment of 4n+1 characters', () => signedSegments(oneCharacterTooMany(segment(HEADER)), segment(claims()))],
      ['an empty header segment', () => `.${signToken().split('.').slice(1).join('.')}`],
      ['an empty payload segment', () => { const [header, , signature] = signToken().split('.'); return `${header}..${signature}`; }],
      ['a payload with percent-encoded padding, signed as sent', () => signedSegments(segment(HEADER), padded(JSON.stringify(claims())).replace(/=/g, '%3D'))],
    ])('refuses %s as malformed', async (_case, token) => {
      const { res, probe } = await send(token());
      expectTokenRefused(res, probe, 'malformed');
    });

    it.each([
      ['a line feed', '\n'], ['a carriage return', '\r'], ['a form feed', '\f'], ['a vertical tab', '\v'],
      ['a no-break space', '\u00a0'], ['a line separator', '\u2028'], ['a zero-width space', '\u200b'], ['a NUL', '\u0000'],
    ])('refuses a token with %s inside a segment as malformed, whatever transport delivered it', async (_case, character) => {
      const token = signToken();
      const broken = `${token.slice(0, 20)}${character}${token.slice(20)}`;
      for (const req of [fakeRequest({ Authorization: `Bearer ${broken}` }), fakeRequest({ Cookie: `token=${broken}` })]) {
        const outcome = await outcomeOf(cookieBackend(), req);
        expect(outcome.kind).toBe('refused');
        expect(outcome.kind === 'refused' && outcome.error).toBeInstanceOf(InvalidTokenError);
        expect(outcome.kind === 'refused' && (outcome.error as InvalidTokenError).reason).toBe('malformed');
      }
    });

    it('refuses a space inside a cookie token as malformed, and inside the header as a malformed header', async () => {
      const token = signToken();
      const broken = `${token.slice(0, 20)} ${token.slice(20)}`;
      const { app, probe } = buildApp({ expressFactory, backend: cookieBackend() });
      expectTokenRefused(await request(app).get('/probe').set('Cookie', `token="${broken}"`), probe, 'malformed');
      expectRejection(await request(app).get('/probe').set('Authorization', `Bearer ${broken}`), probe, {
        status: 400, error: 'invalid_request', reason: 'malformed_header',
        challenge: 'Bearer realm="api", error="invalid_request", error_description="The Authorization header is not a single scheme followed by a single token."',
      });
    });
  });

  describe('JSON objects in UTF-8', () => {
    it.each([
      ['a header that is a JSON array', rawSegment('["HS256"]'), segment(claims())],
      ['a header that is JSON null', rawSegment('null'), segment(claims())],
      ['a header that is a JSON string', rawSegment('"HS256"'), segment(claims())],
      ['a payload that is JSON null', segment(HEADER), rawSegment('null')],
      ['a payload that is a JSON number', segment(HEADER), rawSegment(String(NOW + 60))],
      ['a payload that is a JSON string', segment(HEADER), rawSegment('"user-1"')],
      ['a payload with trailing bytes after the object', segment(HEADER), rawSegment(`${JSON.stringify(claims())}x`)],
      ['two payload objects in a row', segment(HEADER), rawSegment(`${JSON.stringify(claims())}${JSON.stringify(claims())}`)],
      ['a payload that is not UTF-8 (C3 28)', segment(HEADER), rawSegment(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xc3, 0x28]), Buffer.from(`","exp":${NOW + 60}}`)]))],
      ['a payload with an overlong UTF-8 "/" (C0 AF)', segment(HEADER), rawSegment(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xc0, 0xaf]), Buffer.from(`","exp":${NOW + 60}}`)]))],
      ['a payload with a UTF-8-encoded surrogate (ED A0 80)', segment(HEADER), rawSegment(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`","exp":${NOW + 60}}`)]))],
      ['a payload in UTF-16', segment(HEADER), rawSegment(Buffer.from(JSON.stringify(claims()), 'utf16le'))],
    ])('refuses %s as malformed, though correctly signed', async (_case, header, payload) => {
      const { res, probe } = await send(signedSegments(header, payload));
      expectTokenRefused(res, probe, 'malformed');
    });

    it('keeps a __proto__ member of the payload as data: it grants no scope and pollutes nothing', async () => {
      const json = `{"sub":"user-1","exp":${NOW + 60},"__proto__":{"scope":"admin","isAdmin":true}}`;
      const { res } = await send(signedSegments(segment(HEADER), rawSegment(json)));
      expect(res.status).toBe(200);
      expect(res.body.scopes).toEqual(['authenticated']);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).scope).toBeUndefined();
    });

    it('reads alg from the header\'s own member, never from a __proto__ member', async () => {
      const header = rawSegment('{"__proto__":{"alg":"HS256"},"typ":"JWT"}');
      const { res, probe } = await send(signedSegments(header, segment(claims())));
      expectTokenRefused(res, probe, 'algorithm_not_allowed');
    });
  });

  describe('registered claims of their registered types (RFC 7519 §4.1)', () => {
    const token = (overrides: Record<string, unknown>): string => hmacSigned(HEADER, claims(overrides), SECRET);

    it.each([
      ['iss is a number', { issuer: 'https://issuer.example/' }, { iss: 7 }, 'iss'],
      ['iss is an object', { issuer: ['https://issuer.example/'] }, { iss: { toString: 'https://issuer.example/' } }, 'iss'],
      ['sub is a number when a subject is required', { subject: '42' }, { sub: 42 }, 'sub'],
      ['sub is a list when a subject is required', { subject: 'user-1' }, { sub: ['user-1'] }, 'sub'],
      ['iss is a number, with no issuer configured', {}, { iss: 7 }, 'iss'],
      ['iss is an object, with no issuer configured', {}, { iss: { toString: 'https://issuer.example/' } }, 'iss'],
      ['iss is null, with no issuer configured', {}, { iss: null }, 'iss'],
      ['sub is a number, with no subject configured', {}, { sub: 1 }, 'sub'],
      ['sub is a list, with no subject configured', {}, { sub: ['user-1'] }, 'sub'],
      ['sub is an object, with no subject configured', {}, { sub: { id: 'user-1' } }, 'sub'],
      ['sub is null, with no subject configured', {}, { sub: null }, 'sub'],
      ['sub is a boolean, with an issuer and audience configured and matched', { issuer: 'https://issuer.example/', audience: 'api' }, { sub: true, iss: 'https://issuer.example/', aud: 'api' }, 'sub'],
      ['aud is an empty list', { audience: 'api' }, { aud: [] }, 'aud'],
      ['aud is null', { audience: 'api' }, { aud: null }, 'aud'],
      ['aud is an object', { audience: /.*/ }, { aud: { api: true } }, 'aud'],
      ['aud is a number a RegExp would match', { audience: /^7$/ }, { aud: 7 }, 'aud'],
      ['nbf is a numeric string', {}, { nbf: String(NOW - 60) }, 'nbf'],
      ['iat is null', {}, { iat: null }, 'iat'],
    ])('refuses a token whose %s as malformed naming the claim', async (_case, options, overrides, claim) => {
      const { res, probe } = await send(token(overrides), options);
      expectTokenRefused(res, probe, 'malformed', claim);
    });

    it('accepts string iss and sub with nothing configured, and takes the identity from the string sub', async () => {
      const { res, probe } = await send(token({ iss: 'https://issuer.example/', sub: '1' }));
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: '1' });
      expect(probe.handlerRan).toBe(true);
    });

    it('accepts a token without iss or sub, with an empty identity', async () => {
      const { res } = await send(token({ iss: undefined, sub: undefined, username: undefined }));
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: '', identity: '' });
    });

    it('refuses a token issued 31 seconds in the future with clockTolerance 30, and accepts 30', async () => {
      const { res, probe } = await send(token({ iat: NOW + 31 }), { clockTolerance: 30 });
      expectTokenRefused(res, probe, 'not_yet_valid', 'iat');
      expect((await send(token({ iat: NOW + 30 }), { clockTolerance: 30 })).res.status).toBe(200);
    });
  });

  describe('explicit typing (RFC 8725 §3.11)', () => {
    it.each([
      ['typ is a number', 1],
      ['typ is a list', ['at+jwt']],
      ['typ is JWT, as ID tokens say', 'JWT'],
      ['typ is a longer type that ends in at+jwt', 'application/x-at+jwt'],
    ])('refuses a token whose %s at a backend that requires at+jwt', async (_case, typ) => {
      const { res, probe } = await send(hmacSigned({ alg: 'HS256', typ }, claims(), SECRET), { type: 'at+jwt' });
      expectTokenRefused(res, probe, 'claim_mismatch', 'typ');
    });
  });
});

describe('The size bound and the credentials header, on every backend', () => {
  describe.each(BACKENDS)('$name', (backendKind) => {
    it('refuses a string of 8193 characters that are not base64url with too_large, before any decoding', async () => {
      const backend = backendKind.build({ secretKey: SECRET, clock: fixedClock });
      const token = '%'.repeat(8193);
      const headers: Record<string, string> = backendKind.transport === 'header' ? { Authorization: `Bearer ${token}` } : { Cookie: `token=${token}` };
      const outcome = await outcomeOf(backend, fakeRequest(headers));
      expect(outcome.kind === 'refused' && (outcome.error as InvalidTokenError).reason).toBe('too_large');
    });

    it('refuses two Authorization headers with 400 duplicate_header, which Node would silently cut to one', async () => {
      const { app, probe } = buildApp({ backend: backendKind.build({ secretKey: SECRET, clock: fixedClock }) });
      const res = await request(app).get('/probe').set('Authorization', [`Bearer ${signToken()}`, `Bearer ${signToken(claims({ sub: 'admin' }))}`] as unknown as string);
      expectRejection(res, probe, {
        status: 400, error: 'invalid_request', reason: 'duplicate_header',
        challenge: 'Bearer realm="api", error="invalid_request", error_description="The request carries the credentials header more than once."',
      });
    });

    // Checked whenever the header is present, before its scheme: read as "not mine" here, the
    // Bearer token would be honoured, and a cookie backend would run the request as the cookie's user.
    it.each([
      ['Basic, then Bearer', (): string[] => ['Basic dXNlcjpwYXNz', `Bearer ${signToken()}`]],
      ['Bearer, then Basic', (): string[] => [`Bearer ${signToken()}`, 'Basic dXNlcjpwYXNz']],
      ['Basic twice', (): string[] => ['Basic dXNlcjpwYXNz', 'Basic b3RoZXI6cGFzcw==']],
    ])('refuses %s with 400 duplicate_header, whatever the schemes', async (_case, values) => {
      const { app, probe } = buildApp({ backend: backendKind.build({ secretKey: SECRET, clock: fixedClock }) });
      const req = request(app).get('/probe').set('Authorization', values() as unknown as string);
      const res = await (backendKind.transport === 'cookie' ? req.set('Cookie', `token=${signToken()}`) : req);
      expectRejection(res, probe, {
        status: 400, error: 'invalid_request', reason: 'duplicate_header',
        challenge: 'Bearer realm="api", error="invalid_request", error_description="The request carries the credentials header more than once."',
      });
    });
  });
});
