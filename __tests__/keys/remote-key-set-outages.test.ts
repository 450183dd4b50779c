import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { refusingOrigin } from '../helpers/local-server';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';

// An unusable key set makes tokens unverifiable, not invalid: 503 with Retry-After, never 401
// (the token may well be fine) and never a 500 (no application error).

let jwks: JwksServer;
let rsa: JoseKey;
let ec: JoseKey;
let token: string;

beforeAll(async () => {
  jwks = await startJwksServer();
  [rsa, ec] = await Promise.all([joseKey('RS256', 'rsa-1'), joseKey('ES256', 'ec-1')]);
  token = await joseToken(rsa);
});
afterAll(() => jwks.close());
beforeEach(() => {
  jwks.reset();
  jwks.state.document = keySet(rsa);
});

describe('JWTAuthenticationBackend with an unreachable key set', () => {
  it('answers 503 with Retry-After equal to the cooldown when nothing listens on the port', async () => {
    const target = remoteApp({ jwksUri: `${await refusingOrigin()}/jwks.json` });
    expectUnavailable(await probeWith(target, token), target.probe, 30);
  });

  it('sets Retry-After from a custom cooldownMs, rounded up to whole seconds', async () => {
    const target = remoteApp({ jwksUri: `${await refusingOrigin()}/jwks.json`, keySetFetch: { ...FETCH, cooldownMs: 2500 } });
    expectUnavailable(await probeWith(target, token), target.probe, 3);
  });

  it('answers 503 once the deadline passes when the endpoint does not answer, well before it would', async () => {
    jwks.state.delayMs = 20_000;
    const timeoutMs = 500;
    const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, timeoutMs } });
    const started = performance.now();
    const res = await probeWith(target, token);
    const elapsed = performance.now() - started;
    expectUnavailable(res, target.probe);
    // A bound on a hang, not a benchmark: the fetch cannot fail before its deadline, and must
    // not wait for the 20 s answer.
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsed).toBeLessThan(3 * timeoutMs);
  });

  it('answers 503 once the deadline passes when the endpoint trickles its body byte by byte', async () => {
    jwks.state.trickle = true;
    const timeoutMs = 500;
    const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, timeoutMs } });
    const started = performance.now();
    const res = await probeWith(target, token);
    expectUnavailable(res, target.probe);
    expect(performance.now() - started).toBeLessThan(3 * timeoutMs);
  });
});

describe('JWTAuthenticationBackend with a key-set endpoint that answers an error', () => {
  it.each([500, 404, 401, 204])('answers 503 when the endpoint answers %i', async (status) => {
    jwks.state.status = status;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expectUnavailable(await probeWith(target, token), target.probe, 30);
  });

  it('answers 503 for a redirect, which it does not follow', async () => {
    jwks.state.status = 302;
    jwks.state.headers = { Location: '/elsewhere.json' };
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expectUnavailable(await probeWith(target, token), target.probe);
    expect(jwks.requests).toEqual(['/jwks.json']);
  });
});

describe('JWTAuthenticationBackend with a key-set endpoint that answers garbage', () => {
  it.each([
    ['invalid JSON', '{"keys": ['],
    ['an empty body', ''],
    ['HTML', '<html><body>Service Unavailable</body></html>'],
    ['a document without "keys"', '{"issuer":"https://idp.example"}'],
    ['"keys" as a string', '{"keys":"rsa-1"}'],
    ['"keys" as an object', '{"keys":{"rsa-1":{}}}'],
    ['"keys" as null', '{"keys":null}'],
    ['"keys" as a number', '{"keys":3}'],
    ['"keys" as an empty array', '{"keys":[]}'],
    ['"keys" holding non-objects', '{"keys":[1,"two",null]}'],
    ['the JSON value null', 'null'],
    ['a JSON array', '[]'],
    ['a JSON string', '"keys"'],
  ])('answers 503 for %s', async (_what, body) => {
    jwks.state.body = body;
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expectUnavailable(await probeWith(target, token), target.probe, 30);
  });

  it('answers 503 for a set of only "oct" (HMAC secret) keys', async () => {
    jwks.state.document = { keys: [{ kty: 'oct', kid: 'rsa-1', k: Buffer.alloc(32, 7).toString('base64url') }] };
    const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256', 'ES256'] });
    expectUnavailable(await probeWith(target, token), target.probe);
  });

  it('answers 503 for a set of only EC keys at an RS256-only backend', async () => {
    jwks.state.document = keySet(ec);
    const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256'] });
    expectUnavailable(await probeWith(target, token), target.probe);
  });
});

describe('JWTAuthenticationBackend with a key set larger than maxBytes', () => {
  const MAX_BYTES = 10_000;
  // A valid JWKS padded with one megabyte of whitespace: only its size is wrong.
  const huge = (): string => JSON.stringify(keySet(rsa)).replace('{', `{${' '.repeat(1 << 20)}`);

  /** Answers 503 with the set the server serves now, then 200 after the cooldown once it serves a small one. */
  async function expectUnavailableThenRecovered(): Promise<void> {
    const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, maxBytes: MAX_BYTES } });
    expectUnavailable(await probeWith(target, token), target.probe);
    jwks.state.body = undefined;
    target.clock.advance(FETCH.cooldownMs);
    expect((await probeWith(target, token)).status).toBe(200);
  }

  it('accepts a set within maxBytes', async () => {
    const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, maxBytes: MAX_BYTES } });
    expect((await probeWith(target, token)).status).toBe(200);
  });

  it('answers 503 for a 1 MB body with Content-Length, then works again once the set is small', async () => {
    jwks.state.body = huge();
    await expectUnavailableThenRecovered();
  });

  it('answers 503 for a 1 MB chunked body without Content-Length, then works again once the set is small', async () => {
    jwks.state.body = huge();
    jwks.state.chunked = true;
    await expectUnavailableThenRecovered();
  });

  describe('at the boundary', () => {
    const padded = (size: number): string => {
      const document = JSON.stringify(keySet(rsa));
      return document.replace('{', `{${' '.repeat(size - document.length)}`);
    };

    it('accepts a set of exactly maxBytes', async () => {
      jwks.state.body = padded(MAX_BYTES);
      jwks.state.chunked = true;
      const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, maxBytes: MAX_BYTES } });
      expect((await probeWith(target, token)).status).toBe(200);
    });

    it('answers 503 for a set of maxBytes + 1 bytes announced by Content-Length', async () => {
      jwks.state.body = padded(MAX_BYTES + 1);
      const target = remoteApp({ jwksUri: jwks.jwksUri, keySetFetch: { ...FETCH, maxBytes: MAX_BYTES } });
      expectUnavailable(await probeWith(target, token), target.probe);
    });

    // The whole chunked answer arrives in one read, so the limit is crossed after the response
    // is complete; giving up then must not raise an error nobody listens to (which would
    // crash a server without an uncaughtException handler).
    it('answers 503 for a chunked set of maxBytes + 1 bytes, with no uncaught error, and works again afterwards', async () => {
      jwks.state.body = padded(MAX_BYTES + 1);
      jwks.state.chunked = true;
      await expectUnavailableThenRecovered();
    });
  });
});
