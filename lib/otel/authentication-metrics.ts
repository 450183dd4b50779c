import diagnosticsChannel from 'node:diagnostics_channel';
import { type Attributes, type Meter, type MeterProvider, metrics, type ObservableResult } from '@opentelemetry/api';
import { rejectUnknownOptions } from '../core/options';
import type { KeySetMessage } from '../keys/key-set-events';
import { type ChannelName, CHANNELS } from '../observability/channels';
import type { AuthenticateMessage, GuardRefusalMessage, RevocationMessage, ThrottleMessage, TokenCacheMessage } from '../observability/messages';
import { METRIC_NAMES } from './metric-names';

/**
 * Options of {@link authenticationMetrics}.
 *
 * @example
 * ```ts
 * const options: AuthenticationMetricsOptions = { meterProvider };
 * ```
 */
export interface AuthenticationMetricsOptions {
  /** Where the instruments are created. Default: the global provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
}

/**
 * What {@link authenticationMetrics} returns: a way to stop recording.
 *
 * @example
 * ```ts
 * const recording: AuthenticationMetrics = authenticationMetrics();
 * recording.stop();
 * ```
 */
export interface AuthenticationMetrics {
  /** Unsubscribes from every channel; the instruments stay, and record nothing more. */
  stop(): void;
}

const METER_NAME = 'express-jwt-auth';
// Verification takes microseconds (a cache hit) to seconds (a key-set fetch): the SDK's default
// boundaries (0, 5, 10... as for milliseconds) would put every request in the first bucket.
const DURATION_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Listener = (message: unknown) => void;

function authenticationInstruments(meter: Meter): Partial<Record<ChannelName, Listener>> {
  const outcomes = meter.createCounter(METRIC_NAMES.authenticationOutcomes, { unit: '{request}', description: 'Requests the authentication middleware decided on, by outcome and reason.' });
  const duration = meter.createHistogram(METRIC_NAMES.authenticationDuration, {
    unit: 's',
    description: 'How long the authentication backends took to decide on a request.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const guards = meter.createCounter(METRIC_NAMES.guardRefusals, { unit: '{request}', description: 'Requests refused by a guard.' });
  const cache = meter.createCounter(METRIC_NAMES.tokenCacheLookups, { unit: '{lookup}', description: 'Lookups in the cache of verified tokens.' });
  const faults = meter.createCounter(METRIC_NAMES.configurationFaults, { unit: '{fault}', description: 'Configuration faults, each cause counted once.' });
  const revocations = meter.createCounter(METRIC_NAMES.revocations, { unit: '{revocation}', description: 'Revocations made by this process.' });
  const throttle = meter.createCounter(METRIC_NAMES.throttleDecisions, { unit: '{decision}', description: 'Decisions of the failed-authentication throttles.' });
  const reuses = meter.createCounter(METRIC_NAMES.refreshReuses, { unit: '{detection}', description: 'Refresh tokens presented again after use.' });
  return {
    [CHANNELS.authenticate]: (message) => {
      const { outcome, reason, backend, durationSec } = message as AuthenticateMessage;
      const attributes: Attributes = { 'express_jwt_auth.outcome': outcome, 'express_jwt_auth.backend': backend ?? 'none' };
      outcomes.add(1, { ...attributes, 'express_jwt_auth.reason': reason });
      duration.record(durationSec, attributes);
    },
    [CHANNELS.guard]: (message) => {
      const { guard, reason } = message as GuardRefusalMessage;
      guards.add(1, { 'express_jwt_auth.guard': guard, 'express_jwt_auth.reason': reason });
    },
    [CHANNELS.tokenCache]: (message) => cache.add(1, { 'express_jwt_auth.result': (message as TokenCacheMessage).result }),
    [CHANNELS.configurationFault]: (message) => faults.add(1, { 'express_jwt_auth.code': (message as { code: string }).code }),
    [CHANNELS.revocation]: (message) => {
      const { kind, stored } = message as RevocationMessage;
      revocations.add(1, { 'express_jwt_auth.kind': kind, 'express_jwt_auth.stored': stored });
    },
    [CHANNELS.throttle]: (message) => {
      const { event, scope, where } = message as ThrottleMessage;
      throttle.add(1, { 'express_jwt_auth.event': event, 'express_jwt_auth.scope': scope, 'express_jwt_auth.where': where });
    },
    [CHANNELS.refreshReuse]: () => reuses.add(1),
  };
}

interface KeySetState {
  stale: number;
  healthy: number;
}

function keySetInstruments(meter: Meter): Partial<Record<ChannelName, Listener>> {
  const fetches = meter.createCounter(METRIC_NAMES.keySetFetches, { unit: '{fetch}', description: 'Finished fetches of remote key sets.' });
  const duration = meter.createHistogram(METRIC_NAMES.keySetFetchDuration, {
    unit: 's',
    description: 'How long fetches of remote key sets took.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const stale = meter.createObservableGauge(METRIC_NAMES.keySetStale, { unit: '{key_set}', description: '1 while a key set serves keys older than a failed refresh.' });
  const healthy = meter.createObservableGauge(METRIC_NAMES.keySetHealthy, { unit: '{key_set}', description: '1 when the last fetch of a key set succeeded.' });
  // By URL: a handful of identity providers, never a value a client chooses.
  const states = new Map<string, KeySetState>();
  const stateOf = (url: string): KeySetState => {
    let state = states.get(url);
    if (state === undefined) states.set(url, (state = { stale: 0, healthy: 0 }));
    return state;
  };
  stale.addCallback((result: ObservableResult) => {
    for (const [url, state] of states) result.observe(state.stale, { 'url.full': url });
  });
  healthy.addCallback((result: ObservableResult) => {
    for (const [url, state] of states) result.observe(state.healthy, { 'url.full': url });
  });
  return {
    [CHANNELS.keySet]: (message) => {
      const { event, url, cause, durationSec } = message as KeySetMessage;
      if (event === 'started') return;
      const state = stateOf(url);
      if (event === 'served_stale') {
        state.stale = 1;
        return;
      }
      const success = event === 'succeeded';
      state.healthy = success ? 1 : 0;
      if (success) state.stale = 0;
      const attributes: Attributes = success
        ? { 'url.full': url, 'express_jwt_auth.result': 'success' }
        : { 'url.full': url, 'express_jwt_auth.result': 'failure', 'error.type': cause ?? 'unknown' };
      fetches.add(1, attributes);
      if (durationSec !== undefined) duration.record(durationSec, attributes);
    },
  };
}

/**
 * Records the library's events as OpenTelemetry metrics: it subscribes to every
 * `express-jwt-auth:*` channel and feeds counters, histograms and gauges (see
 * {@link METRIC_NAMES}) on a meter named `express-jwt-auth`. Call it once at start-up, with
 * your SDK's `MeterProvider` or after registering it globally; export with any exporter
 * (Prometheus, OTLP). Until it is called, the events cost nothing.
 *
 * @example
 * ```ts
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 * import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
 * import { authenticationMetrics } from 'express-jwt-auth/otel';
 *
 * const meterProvider = new MeterProvider({ readers: [new PrometheusExporter({ port: 9464 })] });
 * authenticationMetrics({ meterProvider });
 * ```
 */
export function authenticationMetrics(options: AuthenticationMetricsOptions = {}): AuthenticationMetrics {
  if (typeof options !== 'object' || options === null) throw new TypeError('authenticationMetrics: "options" must be an object, e.g. { meterProvider }.');
  rejectUnknownOptions('authenticationMetrics', options, ['meterProvider']);
  const { meterProvider } = options;
  if (meterProvider !== undefined && typeof (meterProvider as { getMeter?: unknown } | null)?.getMeter !== 'function') {
    throw new TypeError('authenticationMetrics: "meterProvider" must be an OpenTelemetry MeterProvider (with getMeter()), or left out for the global one.');
  }
  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(METER_NAME);
  const listeners = Object.entries({ ...authenticationInstruments(meter), ...keySetInstruments(meter) }) as [ChannelName, Listener][];
  for (const [channel, listener] of listeners) diagnosticsChannel.subscribe(channel, listener);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const [channel, listener] of listeners) diagnosticsChannel.unsubscribe(channel, listener);
    },
  };
}
