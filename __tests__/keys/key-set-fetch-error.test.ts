import type { Express } from 'express';
import request from 'supertest';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, KeySetUnavailableError, renderAuthenticationError } from '../../lib';
import { discoverJwksUri } from '../../lib/keys/discovery';
import { fetchJson, type FetchLimits } from '../../lib/keys/fetch-json';
import { KeySetFetchError, type KeySetFetchFailure } from '../../lib/keys/key-set-fetch-error';
import { buildApp, type Probe } from '../helpers/apps';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { DISCOVERY_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { refusingOrigin } from '../helpers/local-server';
import { manualClock } from '../helpers/manual-clock';
import { FETCH, withManualClock } from '../helpers/remote-apps';

// Every way a key-set fetch fails has its own reason, with structured fields for the log, so an
// operator can tell a provider outage from a configuration fault without parsing messages.

const LIMITS: FetchLimits = { timeoutMs: 2000, maxBytes: 10_000, allowInsecureHttp: false };

let jwks: JwksServer;
let key: JoseKey;

beforeAll(async () => {
  [jwks, key] = await Promise.all([startJwksServer(), joseKey('RS256', 'k1')]);
});
afterAll(() => jwks.close());
beforeEach(() => jwks.reset());

/** The KeySetFetchError `promise` rejects with (failing the test if it resolves or rejects otherwise). */
async function failureOf(promise: Promise<unknown>): Promise<KeySetFetchError> {
  const outcome = await promise.then(() => undefined, (err: unknown) => err);
  if (!(outcome instanceof KeySetFetchError)) throw new Error(`expected a KeySetFetchError, got ${String(outcome)}`);
  return outcome;
}

describe('fetchJson failures', () => {
  it('rejects with timeout when the endpoint does not answer within timeoutMs', async () => {
    jwks.state.delayMs = 5000;
    expect(await failureOf(fetchJson(jwks.jwksUri, { ...LIMITS, timeoutMs: 200 }))).toMatchObject({ reason: 'timeout', url: jwks.jwksUri });
  });

  it('rejects with too_large for a body over maxBytes, announced or chunked', async () => {
    jwks.state.body = ' '.repeat(LIMITS.maxBytes + 1);
    expect((await failureOf(fetchJson(jwks.jwksUri, LIMITS))).reason).toBe('too_large');
    jwks.state.chunked = true;
    expect((await failureOf(fetchJson(jwks.jwksUri, LIMITS))).reason).toBe('too_large');
  });

  it('rejects with unreachable when nothing listens', async () => {
    const url = `${await refusingOrigin()}/jwks.json`;
    expect(await failureOf(fetchJson(url, LIMITS))).toMatchObject({ reason: 'unreachable', url });
  });

  it.each([500, 404, 302, 204])('rejects with http_status and status %i', async (status) => {
    jwks.state.status = status;
    expect(await failureOf(fetchJson(jwks.jwksUri, LIMITS))).toMatchObject({ reason: 'http_status', status });
  });

  it('rejects with not_json for HTML', async () => {
    jwks.state.body = '<html>Service Unavailable</html>';
    expect((await failureOf(fetchJson(jwks.jwksUri, LIMITS))).reason).toBe('not_json');
  });

  it('rejects with insecure_url for plain HTTP to another host, before any request', async () => {
    expect(await failureOf(fetchJson('http://idp.example.com/jwks.json', LIMITS))).toMatchObject({ reason: 'insecure_url', url: 'http://idp.example.com/jwks.json' });
  });
});

describe('discoverJwksUri failures', () => {
  it('rejects with issuer_mismatch, naming the expected and the found issuer, for a trailing slash', async () => {
    jwks.state.discovery = { issuer: `${jwks.origin}/`, jwks_uri: jwks.jwksUri };
    expect(await failureOf(discoverJwksUri(jwks.origin, LIMITS))).toMatchObject({
      reason: 'issuer_mismatch', expected: jwks.origin, found: `${jwks.origin}/`, url: `${jwks.origin}${DISCOVERY_PATH}`,
    });
  });

  it('rejects with issuer_mismatch and no found issuer when the document names none', async () => {
    jwks.state.discovery = { jwks_uri: jwks.jwksUri };
    const failure = await failureOf(discoverJwksUri(jwks.origin, LIMITS));
    expect(failure).toMatchObject({ reason: 'issuer_mismatch', expected: jwks.origin });
    expect(failure.found).toBeUndefined();
  });

  it('rejects with insecure_url, naming the jwks_uri, when it is plain HTTP to another host', async () => {
    jwks.state.discovery = { issuer: jwks.origin, jwks_uri: 'http://idp.example.com/jwks.json' };
    expect(await failureOf(discoverJwksUri(jwks.origin, LIMITS))).toMatchObject({ reason: 'insecure_url', url: 'http://idp.example.com/jwks.json' });
  });

  it.each([
    ['no jwks_uri', () => ({ issuer: jwks.origin })],
    ['a jwks_uri that is not a string', () => ({ issuer: jwks.origin, jwks_uri: 42 })],
    ['a relative jwks_uri', () => ({ issuer: jwks.origin, jwks_uri: '/jwks.json' })],
    ['an ftp jwks_uri', () => ({ issuer: jwks.origin, jwks_uri: 'ftp://127.0.0.1/jwks.json' })],
    ['a document that is an array', () => [jwks.origin]],
    ['a document that is null', () => null],
  ])('rejects with invalid_document for %s', async (_what, discovery) => {
    jwks.state.discovery = discovery();
    expect((await failureOf(discoverJwksUri(jwks.origin, LIMITS))).reason).toBe('invalid_document');
  });

  it('rejects with http_status 404 when there is no discovery document', async () => {
    expect(await failureOf(discoverJwksUri(jwks.origin, LIMITS))).toMatchObject({ reason: 'http_status', status: 404 });
  });
});

describe('KeySetFetchError', () => {
  it.each([
    ['issuer_mismatch', true], ['insecure_url', true], ['no_usable_key', true],
    ['timeout', false], ['too_large', false], ['unreachable', false], ['http_status', false], ['not_json', false], ['invalid_document', false],
  ] as const)('says whether %s is a configuration fault (%p)', (reason: KeySetFetchFailure, fault) => {
    expect(new KeySetFetchError(reason).isConfigurationFault).toBe(fault);
  });

  it('keeps the values in fields, never in its message', () => {
    const error = new KeySetFetchError('issuer_mismatch', { url: 'https://idp.example/x', expected: 'https://idp.example', found: 'https://evil.example' });
    expect(error.message).toBe('The discovery document names another issuer than the configured one.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeySetFetchError');
  });
});

describe('JWTAuthenticationBackend with an unusable key set', () => {
  /** An app whose onError records each error before rendering it as usual. */
  function recordingApp(options: Partial<JWTAuthenticationBackendOptions>): { app: Express; probe: Probe; errors: unknown[] } {
    const errors: unknown[] = [];
    const clock = manualClock();
    const backend = new JWTAuthenticationBackend({ clock: clock.now, keySetFetch: withManualClock(FETCH, clock), ...options });
    const { app, probe } = buildApp({
      backend,
      middleware: {
        onError(err, req, res, next) {
          errors.push(err);
          return renderAuthenticationError(err, req, res, next);
        },
      },
    });
    return { app, probe, errors };
  }

  it.each([
    ['the endpoint answers 500', () => { jwks.state.status = 500; }, { reason: 'http_status', status: 500, isConfigurationFault: false }],
    ['the body is not JSON', () => { jwks.state.body = '{'; }, { reason: 'not_json', isConfigurationFault: false }],
    ['the set has no key for the allowed algorithms', () => { jwks.state.document = { keys: [] }; }, { reason: 'no_usable_key', isConfigurationFault: true }],
  ])('answers the constant 503 when %s, with a KeySetFetchError as the cause given to onError', async (_what, breakEndpoint, expected) => {
    jwks.state.document = keySet(key);
    breakEndpoint();
    const { app, probe, errors } = recordingApp({ jwksUri: jwks.jwksUri });
    const token = await joseToken(key);
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    expectUnavailable(res, probe, 30);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(KeySetUnavailableError);
    const { cause } = errors[0] as KeySetUnavailableError;
    expect(cause).toBeInstanceOf(KeySetFetchError);
    expect(cause).toMatchObject({ ...expected, url: jwks.jwksUri });
  });
});
