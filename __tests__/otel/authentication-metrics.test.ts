import { AggregationTemporality, type DataPoint, type Histogram, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import request from 'supertest';
import { authenticated, memoryStore, publishRefreshReuse } from '../../lib';
import { authenticationMetrics, type AuthenticationMetrics, METRIC_NAMES } from '../../lib/otel';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { joseKey, type JoseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, NOW, signToken } from '../helpers/tokens';

// The real OpenTelemetry SDK: a MeterProvider whose reader collects on demand, read as an
// exporter would receive it.

let exporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let provider: MeterProvider;
let recording: AuthenticationMetrics;
let idp: JwksServer;
let key: JoseKey;

beforeAll(async () => {
  [idp, key] = await Promise.all([startJwksServer(), joseKey('RS256', 'idp-1')]);
});
afterAll(async () => {
  await idp.close();
});
beforeEach(() => {
  idp.reset();
  idp.state.document = keySet(key);
  exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  recording = authenticationMetrics({ meterProvider: provider });
});
afterEach(async () => {
  recording.stop();
  await provider.shutdown();
});

/** The data points of one instrument, as collected now. */
async function points<T = number>(name: string): Promise<DataPoint<T>[]> {
  const { resourceMetrics } = await reader.collect();
  const scope = resourceMetrics.scopeMetrics.find((entry) => entry.scope.name === 'express-jwt-auth');
  const metric = scope?.metrics.find((entry) => entry.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<T>[];
}

/** `value` by one attribute, for counters and gauges. */
async function byAttribute(name: string, attribute: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const point of await points(name)) result[String(point.attributes[attribute])] = (result[String(point.attributes[attribute])] ?? 0) + point.value;
  return result;
}

describe.each(EXPRESS_VERSIONS)('authenticationMetrics with the OpenTelemetry SDK on %s', (_name, expressFactory) => {
  it('counts outcomes by outcome, reason and backend', async () => {
    const { app } = buildApp({ expressFactory });
    await request(app).get('/probe').set('Authorization', `Bearer ${signToken()}`);
    await request(app).get('/probe').set('Authorization', `Bearer ${signToken()}`);
    await request(app).get('/probe');
    await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ exp: NOW - 1 }))}`);
    const counted = (await points(METRIC_NAMES.authenticationOutcomes)).map((point) => [point.attributes['express_jwt_auth.outcome'], point.attributes['express_jwt_auth.reason'], point.attributes['express_jwt_auth.backend'], point.value]);
    expect(counted.sort()).toEqual([
      ['anonymous', 'no_credentials', 'none', 1],
      ['authenticated', 'valid_credentials', 'JWTAuthenticationBackend', 2],
      ['refused', 'expired', 'JWTAuthenticationBackend', 1],
    ]);
  });

  it('records the decision time in seconds in a histogram with sub-millisecond buckets', async () => {
    const { app } = buildApp({ expressFactory });
    for (let i = 0; i < 3; i++) await request(app).get('/probe').set('Authorization', `Bearer ${signToken()}`);
    const [point] = await points<Histogram>(METRIC_NAMES.authenticationDuration);
    expect(point.attributes).toEqual({ 'express_jwt_auth.outcome': 'authenticated', 'express_jwt_auth.backend': 'JWTAuthenticationBackend' });
    expect(point.value.count).toBe(3);
    expect(point.value.sum).toBeGreaterThan(0);
    // Generous: three HS256 verifications take far less than a second even on a loaded machine.
    expect(point.value.sum).toBeLessThan(3);
    expect(point.value.buckets.boundaries[0]).toBe(0.00001);
  });

  it('counts guard refusals and token-cache lookups', async () => {
    const { app } = buildApp({ expressFactory, guards: [authenticated({ scopes: ['admin'] })] });
    const token = signToken();
    await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    await request(app).get('/probe');
    expect(await byAttribute(METRIC_NAMES.guardRefusals, 'express_jwt_auth.reason')).toEqual({ insufficient_scope: 2, not_authenticated: 1 });
    expect(await byAttribute(METRIC_NAMES.tokenCacheLookups, 'express_jwt_auth.result')).toEqual({ miss: 1, hit: 1 });
  });
});

describe('authenticationMetrics for key sets, revocations and refresh reuse', () => {
  it('counts fetches by result and typed cause, and reports the key set healthy, then stale, then healthy again', async () => {
    const target = remoteApp({ jwksUri: idp.jwksUri });
    const token = await joseToken(key);
    expect((await probeWith(target, token)).status).toBe(200);
    expect(await byAttribute(METRIC_NAMES.keySetHealthy, 'url.full')).toEqual({ [idp.jwksUri]: 1 });
    expect(await byAttribute(METRIC_NAMES.keySetStale, 'url.full')).toEqual({ [idp.jwksUri]: 0 });

    idp.state.status = 500;
    target.clock.advance(FETCH.maxAgeMs);
    expect((await probeWith(target, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await byAttribute(METRIC_NAMES.keySetHealthy, 'url.full')).toEqual({ [idp.jwksUri]: 0 });
    expect(await byAttribute(METRIC_NAMES.keySetStale, 'url.full')).toEqual({ [idp.jwksUri]: 1 });
    expect(await byAttribute(METRIC_NAMES.keySetFetches, 'error.type')).toEqual({ undefined: 1, http_status: 1 });

    idp.state.status = 200;
    target.clock.advance(FETCH.cooldownMs);
    expect((await probeWith(target, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await byAttribute(METRIC_NAMES.keySetStale, 'url.full')).toEqual({ [idp.jwksUri]: 0 });
    expect(await byAttribute(METRIC_NAMES.keySetFetches, 'express_jwt_auth.result')).toEqual({ success: 2, failure: 1 });
    expect((await points<Histogram>(METRIC_NAMES.keySetFetchDuration)).reduce((sum, point) => sum + point.value.count, 0)).toBe(3);
  });

  it('counts revocations and refresh-token reuses', async () => {
    const backend = jwtBackend({ store: memoryStore() });
    await backend.ready();
    await backend.revokeSubject('user-1');
    await backend.close();
    publishRefreshReuse({ familyId: 'family-1' });
    expect(await byAttribute(METRIC_NAMES.revocations, 'express_jwt_auth.kind')).toEqual({ sub: 1 });
    expect((await points(METRIC_NAMES.refreshReuses)).map((point) => point.value)).toEqual([1]);
  });

  it('records nothing more once stopped', async () => {
    const { app } = buildApp();
    await request(app).get('/probe');
    recording.stop();
    await request(app).get('/probe');
    expect((await points(METRIC_NAMES.authenticationOutcomes)).map((point) => point.value)).toEqual([1]);
  });

  it.each([
    ['not an object', 'provider'],
    ['a meterProvider without getMeter', { meterProvider: {} }],
    ['an unknown option', { meter: {} }],
  ])('throws a TypeError for options that are %s', (_what, options) => {
    expect(() => authenticationMetrics(options as never)).toThrow(TypeError);
  });
});
