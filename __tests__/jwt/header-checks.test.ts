import request from 'supertest';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, hmacToken, signToken } from '../helpers/tokens';

const MALFORMED = invalidTokenChallenge('The access token is malformed.');
const UNSUPPORTED = invalidTokenChallenge('The access token requires a header extension this server does not support.');

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend header checks on %s', (_name, expressFactory) => {
  async function send(token: string, options: Parameters<typeof jwtBackend>[0] = {}): Promise<{ res: request.Response; probe: ReturnType<typeof buildApp>['probe'] }> {
    const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(options) });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    return { res, probe };
  }

  describe('crit (RFC 7515 §4.1.11)', () => {
    it('rejects a token that lists an extension this library does not understand', async () => {
      const { res, probe } = await send(hmacToken({ alg: 'HS256', crit: ['exp'], exp: 1 }, claims()));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'unsupported_extension', challenge: UNSUPPORTED });
      expect(res.body.claim).toBe('crit');
    });

    it.each([
      ['empty', []],
      ['not an array', 'b64'],
      ['naming a standard header', ['alg']],
      ['naming a header the token lacks', ['b64']],
      ['holding a number', [7]],
    ])('rejects a crit that is %s as malformed', async (_case, crit) => {
      const { res, probe } = await send(hmacToken({ alg: 'HS256', crit }, claims()));
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
    });
  });

  describe('headers that point at keys', () => {
    it.each([
      ['jku', { jku: 'http://127.0.0.1:1/keys.json' }],
      ['x5u', { x5u: 'http://127.0.0.1:1/cert.pem' }],
      ['x5c', { x5c: ['MIIB'] }],
      ['jwk', { jwk: { kty: 'oct', k: 'YXR0YWNrZXI' } }],
    ])('never uses %s: a token signed with the key it names is refused', async (_case, extra) => {
      const forged = hmacToken({ alg: 'HS256', ...extra }, claims(), 'attacker');
      const { res, probe } = await send(forged);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'bad_signature', challenge: invalidTokenChallenge('The access token signature is invalid.') });
    });

    it('ignores them on a token our key signed', async () => {
      const { res } = await send(signToken(claims(), { header: { jku: 'http://127.0.0.1:1/keys.json' } }));
      expect(res.status).toBe(200);
    });
  });

  describe('explicit typing with the type option', () => {
    it.each(['at+jwt', 'application/at+jwt', 'AT+JWT'])('accepts typ %s when at+jwt is required', async (typ) => {
      const { res } = await send(signToken(claims(), { header: { typ } }), { type: 'at+jwt' });
      expect(res.status).toBe(200);
    });

    it('rejects another typ with reason claim_mismatch', async () => {
      const { res, probe } = await send(signToken(), { type: 'at+jwt' });
      expectRejection(res, probe, {
        status: 401, error: 'invalid_token', reason: 'claim_mismatch',
        challenge: invalidTokenChallenge('The access token has a claim with an unexpected value.'),
      });
      expect(res.body.claim).toBe('typ');
    });

    it('rejects a missing typ with reason missing_claim', async () => {
      const { res } = await send(hmacToken({ alg: 'HS256' }, claims()), { type: 'at+jwt' });
      expect(res.body).toMatchObject({ reason: 'missing_claim', claim: 'typ' });
    });

    it('writes the required typ into the tokens it issues', async () => {
      const backend = jwtBackend({ type: 'at+jwt' });
      const token = backend.createToken('alice');
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({ typ: 'at+jwt' });
      const { app } = buildApp({ expressFactory, backend });
      expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    });
  });

  describe('maximum token length', () => {
    it('rejects a token longer than 8 KiB with reason too_large before decoding it', async () => {
      const { res, probe } = await send(`${'a'.repeat(8193)}`);
      expectRejection(res, probe, {
        status: 401, error: 'invalid_token', reason: 'too_large',
        challenge: invalidTokenChallenge('The access token is longer than this server accepts.'),
      });
    });

    it('follows the maxTokenLength option', async () => {
      const token = signToken();
      expect((await send(token, { maxTokenLength: token.length })).res.status).toBe(200);
      expect((await send(token, { maxTokenLength: token.length - 1 })).res.body.reason).toBe('too_large');
    });
  });

  describe('repeated Authorization headers', () => {
    it('responds 400 duplicate_header to two Authorization headers, which Node would silently cut to one', async () => {
      const { app, probe } = buildApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', [`Bearer ${signToken()}`, 'Bearer other'] as unknown as string);
      expectRejection(res, probe, {
        status: 400, error: 'invalid_request', reason: 'duplicate_header',
        challenge: 'Bearer realm="api", error="invalid_request", error_description="The request carries the credentials header more than once."',
      });
    });
  });
});

describe('JWTAuthenticationBackend header options construction', () => {
  it.each([
    ['an empty type', { type: '' }, /"type" must be a non-empty string/],
    ['a tiny maxTokenLength', { maxTokenLength: 3 }, /"maxTokenLength" must be a finite number of at least 16/],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(() => jwtBackend(options)).toThrow(message);
  });
});
