/**
 * The names of the OpenTelemetry instruments {@link authenticationMetrics} creates, in the style
 * of the semantic conventions (`aspnetcore.authentication.authenticate.duration` is ASP.NET
 * Core's): dotted, lower case, durations in seconds. A Prometheus exporter writes the dots as
 * underscores (`express_jwt_auth_authentication_duration_bucket`, `..._outcomes_total`).
 *
 * @example
 * ```ts
 * const name: string = METRIC_NAMES.authenticationDuration; // 'express_jwt_auth.authentication.duration'
 * ```
 */
export const METRIC_NAMES = Object.freeze({
  /** Counter `{request}`: every outcome of the middleware, by outcome, reason and backend. */
  authenticationOutcomes: 'express_jwt_auth.authentication.outcomes',
  /** Histogram `s`: how long the backends took to decide, by outcome and backend. */
  authenticationDuration: 'express_jwt_auth.authentication.duration',
  /** Counter `{request}`: every refusal of a guard, by guard and reason. */
  guardRefusals: 'express_jwt_auth.guard.refusals',
  /** Counter `{lookup}`: token-cache lookups, by result (`hit`, `miss`, `rejected_hit`). */
  tokenCacheLookups: 'express_jwt_auth.token_cache.lookups',
  /** Counter `{fetch}`: finished key-set fetches, by URL, result and `error.type` (the typed cause). */
  keySetFetches: 'express_jwt_auth.key_set.fetches',
  /** Histogram `s`: how long key-set fetches took, by URL and result. */
  keySetFetchDuration: 'express_jwt_auth.key_set.fetch.duration',
  /** Gauge `{key_set}`: 1 while a key set serves keys older than a failed refresh, else 0; by URL. */
  keySetStale: 'express_jwt_auth.key_set.stale',
  /** Gauge `{key_set}`: 1 when the last fetch of a key set succeeded, else 0; by URL. */
  keySetHealthy: 'express_jwt_auth.key_set.healthy',
  /** Counter `{fault}`: configuration faults (each cause once), by code. */
  configurationFaults: 'express_jwt_auth.configuration.faults',
  /** Counter `{revocation}`: revocations made here, by kind and whether the store has them. */
  revocations: 'express_jwt_auth.revocations',
  /** Counter `{decision}`: decisions of the failed-authentication throttles, by event, scope and place. */
  throttleDecisions: 'express_jwt_auth.throttle.decisions',
  /** Counter `{detection}`: refresh tokens presented again after use. */
  refreshReuses: 'express_jwt_auth.refresh_token.reuses',
} as const);
