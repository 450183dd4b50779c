/**
 * express-jwt-auth/otel: the library's events as OpenTelemetry metrics. Needs the optional peer
 * dependency `@opentelemetry/api`; the main entry never loads it.
 *
 * @module express-jwt-auth/otel
 */
export { authenticationMetrics, type AuthenticationMetrics, type AuthenticationMetricsOptions } from './authentication-metrics';
export { METRIC_NAMES } from './metric-names';
