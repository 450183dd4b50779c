import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError, KeySetUnavailableError } from '../errors';
import type { Algorithm } from './algorithms';
import { configurationWarning } from './configuration-warning';
import { discoverJwksUri, type DiscoveryDocument } from './discovery';
import { fetchJson, type FetchLimits } from './fetch-json';
import { type KeyEntry, selectKey } from './key-entry';
import type { KeyResolver } from './key-resolver';
import { KeySetFetchError } from './key-set-fetch-error';
import { remoteKeyEntries } from './remote-key-entries';
import { fetchFailure, publishConfigurationFault, publishKeySet } from './key-set-events';
import type { WarnFunction } from '../observability/logger';

/**
 * How a remote key set is fetched and kept.
 *
 * @example
 * ```ts
 * const options: RemoteKeySetOptions = { timeoutMs: 2000, cooldownMs: 10_000 };
 * ```
 */
export interface RemoteKeySetOptions {
  /** The deadline of one fetch, connection to last byte, in milliseconds. Default: `5000`. */
  readonly timeoutMs?: number;
  /**
   * The least time between two fetches, in milliseconds: an unknown `kid` or an outage
   * triggers at most one fetch per window. Also the `Retry-After` of a 503. Measured on a
   * monotonic clock, so setting the system clock back does not stretch it. Default: `30000`.
   */
  readonly cooldownMs?: number;
  /**
   * Age after which keys are refreshed in the background (still served meanwhile), in
   * milliseconds, on a monotonic clock. Default: `600000` (10 minutes).
   */
  readonly maxAgeMs?: number;
  /** The largest key set (or discovery document) accepted, in bytes. Default: `1048576` (1 MiB). */
  readonly maxBytes?: number;
  /**
   * Allow plain HTTP to any host for `jwksUri`, the `issuer` used for discovery and the
   * `jwks_uri` its document names (e.g. `http://keycloak:8080/realms/demo` in a Docker Compose
   * network). Keys fetched in clear can be swapped by anyone on the path, so this is for
   * development only: it throws a `TypeError` at construction when `NODE_ENV` is
   * `production`. Without it, plain HTTP reaches only this machine (`localhost`, `127.0.0.1`,
   * `[::1]`). Default: `false`.
   */
  readonly allowInsecureHttp?: boolean;
}

/**
 * The key, in `keySetFetch`, of the clock that the cooldown, the key age and `Retry-After` are
 * measured on, in milliseconds. Not a public option: tests inject a clock they move by hand.
 * Default: `performance.now()`.
 */
export const MONOTONIC_CLOCK: unique symbol = Symbol('express-jwt-auth.monotonicClock');

/** The most distinct configuration warnings one key set emits between two successful fetches. */
const MAX_WARNINGS = 16;

/**
 * Where the key set comes from: its URL, or an issuer whose metadata document names it (the
 * `discovery` documents, tried in order; default: OpenID Connect's only).
 */
export type KeySetSource = { readonly jwksUri: string } | { readonly issuer: string; readonly discovery?: readonly DiscoveryDocument[] };

/** A remote key set's settings, validated by the backend. */
export interface RemoteKeySetSettings extends FetchLimits {
  readonly source: KeySetSource;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly algorithms: readonly Algorithm[];
  readonly allowWeakKeys: boolean;
  /**
   * Milliseconds on a clock that never steps back (`performance.now`): intervals measured on
   * the wall clock would stretch by an hour when it is set back an hour. Token times use the
   * backend's wall `clock` instead.
   */
  readonly monotonicClock: () => number;
  readonly challenge: Challenge;
  /** Where configuration faults are logged (the backend's `logger`). */
  readonly warn: WarnFunction;
}

/**
 * The keys of an identity provider, fetched from its JWKS endpoint and imported with
 * `node:crypto` (signing keys only, public members only), and kept here, where the policy lives:
 *
 * - Lazy: the first token triggers the first fetch; concurrent requests share one fetch.
 * - A `kid` not in the set triggers a refetch, at most one per `cooldownMs`.
 * - Keys older than `maxAgeMs` are refreshed in the background and served meanwhile; if the
 *   endpoint is down, they keep working (stale beats unavailable).
 * - With no usable key (never fetched, the endpoint down or answering garbage, no key of a
 *   fitting type), tokens get 503 with `Retry-After`, not 401: the token may be fine. The
 *   error's `cause` is a {@link KeySetFetchError} saying why.
 * - A fault that a retry will not fix (see `KeySetFetchError.isConfigurationFault`) is also
 *   logged once per cause through the backend's `logger`, so that it shows in the server's log.
 * - Every fetch and every stale serving is published on `express-jwt-auth:key-set`.
 */
export class RemoteKeySet implements KeyResolver {
  private list: readonly KeyEntry[] = [];
  private current: ReadonlySet<KeyObject> = new Set();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;
  private inflight: Promise<void> | undefined;
  private jwksUri: string | undefined;
  /** The configuration warnings emitted since the last successful fetch, by message. */
  private readonly warned = new Set<string>();

  constructor(private readonly settings: RemoteKeySetSettings) {
    if ('jwksUri' in settings.source) this.jwksUri = settings.source.jwksUri;
  }

  resolve(header: Readonly<Record<string, unknown>>): KeyObject | Promise<KeyObject> {
    const now = this.refreshIfStale();
    const key = this.list.length > 0 ? selectKey(this.list, header, this.settings.challenge) : undefined;
    if (key !== undefined) return key;
    if (this.inflight !== undefined) return this.inflight.then(() => this.afterFetch(header));
    if (now - this.lastAttempt >= this.settings.cooldownMs) return this.refresh(now).then(() => this.afterFetch(header));
    return this.afterFetch(header);
  }

  entries(): readonly KeyEntry[] {
    return this.list;
  }

  /**
   * Whether `key` is in the latest fetched set: a key rotated out stops vouching for cached
   * tokens. Also keeps the set fresh when only cached tokens arrive.
   */
  trusts(key: KeyObject): boolean {
    this.refreshIfStale();
    return this.current.has(key);
  }

  /** Starts a background refresh when the keys are older than `maxAgeMs`; returns the monotonic time. */
  private refreshIfStale(): number {
    const now = this.settings.monotonicClock();
    if (this.list.length > 0 && now - this.fetchedAt >= this.settings.maxAgeMs && now - this.lastAttempt >= this.settings.cooldownMs) {
      void this.refresh(now);
    }
    return now;
  }

  private afterFetch(header: Readonly<Record<string, unknown>>): KeyObject {
    const { challenge, cooldownMs, monotonicClock } = this.settings;
    const key = selectKey(this.list, header, challenge);
    if (key !== undefined) return key;
    // Without a fresh answer from the endpoint, the token's key may exist there: unavailable, not invalid.
    if (this.list.length === 0 || this.lastError !== undefined) {
      const retryAfterSec = (this.lastAttempt + cooldownMs - monotonicClock()) / 1000;
      throw new KeySetUnavailableError({ retryAfterSec, cause: this.lastError });
    }
    throw new InvalidTokenError('unknown_key', { challenge });
  }

  /** Fetches once for everyone waiting; never rejects (a failure is kept in `lastError`). */
  private refresh(now: number): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    this.lastAttempt = now;
    publishKeySet(() => ({ event: 'started', url: this.url() }));
    this.inflight = this.fetchEntries().then(
      (entries) => {
        this.list = entries;
        this.current = new Set(entries.map((entry) => entry.key));
        this.fetchedAt = this.settings.monotonicClock();
        this.lastError = undefined;
        this.warned.clear();
        publishKeySet(() => ({ event: 'succeeded', url: this.url(), keys: entries.length, durationSec: this.since(now) }));
      },
      (err: unknown) => {
        this.lastError = err;
        this.warnOnce(err);
        publishKeySet(() => ({ event: 'failed', url: this.url(), cause: fetchFailure(err), durationSec: this.since(now) }));
        // Stale beats unavailable: the keys in hand keep verifying until a fetch succeeds.
        if (this.list.length > 0) publishKeySet(() => ({ event: 'served_stale', url: this.url(), keys: this.list.length }));
      },
    ).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Logs a configuration fault, and publishes it, once per distinct fault (not per request). */
  private warnOnce(err: unknown): void {
    if (!(err instanceof KeySetFetchError)) return;
    const warning = configurationWarning(err);
    // Bounded: a provider whose document changes on every fetch must not grow this set forever.
    if (warning === undefined || this.warned.has(warning.message) || this.warned.size >= MAX_WARNINGS) return;
    this.warned.add(warning.message);
    this.settings.warn(`${warning.message} [${warning.code}]`);
    publishConfigurationFault(warning.code, err);
  }

  private url(): string {
    const { source } = this.settings;
    return this.jwksUri ?? ('issuer' in source ? source.issuer : source.jwksUri);
  }

  private since(startMs: number): number {
    return (this.settings.monotonicClock() - startMs) / 1000;
  }

  private async fetchEntries(): Promise<readonly KeyEntry[]> {
    const { source, algorithms, allowWeakKeys, timeoutMs, maxBytes, allowInsecureHttp } = this.settings;
    const limits: FetchLimits = { timeoutMs, maxBytes, allowInsecureHttp };
    const { issuer, discovery } = source as Extract<KeySetSource, { issuer: string }>;
    const jwksUri = this.jwksUri ?? await discoverJwksUri(issuer, limits, discovery);
    this.jwksUri = jwksUri;
    return remoteKeyEntries(await fetchJson(jwksUri, limits), jwksUri, algorithms, allowWeakKeys);
  }
}
