import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError, KeySetUnavailableError } from '../errors';
import type { Algorithm } from './algorithms';
import { discoverJwksUri } from './discovery';
import { fetchJson, type FetchLimits } from './fetch-json';
import { type KeyEntry, keyEntry, selectKey } from './key-entry';
import type { KeyResolver } from './key-resolver';

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
   * triggers at most one fetch per window. Also the `Retry-After` of a 503. Default: `30000`.
   */
  readonly cooldownMs?: number;
  /** Age after which keys are refreshed in the background (still served meanwhile), in milliseconds. Default: `600000` (10 minutes). */
  readonly maxAgeMs?: number;
  /** The largest key set (or discovery document) accepted, in bytes. Default: `1048576` (1 MiB). */
  readonly maxBytes?: number;
}

/** Where the key set comes from: its URL, or an issuer whose discovery document names it. */
export type KeySetSource = { readonly jwksUri: string } | { readonly issuer: string };

/** A remote key set's settings, validated by the backend. */
export interface RemoteKeySetSettings extends FetchLimits {
  readonly source: KeySetSource;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly algorithms: readonly Algorithm[];
  readonly allowWeakKeys: boolean;
  readonly clock: () => number;
  readonly challenge: Challenge;
}

/**
 * The keys of an identity provider, fetched from its JWKS endpoint with jwks-rsa (which filters
 * signing keys and imports JWKs) and kept here, where the policy lives:
 *
 * - Lazy: the first token triggers the first fetch; concurrent requests share one fetch.
 * - A `kid` not in the set triggers a refetch, at most one per `cooldownMs`.
 * - Keys older than `maxAgeMs` are refreshed in the background and served meanwhile; if the
 *   endpoint is down, they keep working (stale beats unavailable).
 * - With no usable key (never fetched, the endpoint down or answering garbage, no key of a
 *   fitting type), tokens get 503 with `Retry-After`, not 401: the token may be fine.
 */
export class RemoteKeySet implements KeyResolver {
  private list: readonly KeyEntry[] = [];
  private current: ReadonlySet<KeyObject> = new Set();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;
  private inflight: Promise<void> | undefined;
  private jwksUri: string | undefined;

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

  /** Starts a background refresh when the keys are older than `maxAgeMs`; returns the time. */
  private refreshIfStale(): number {
    const now = this.settings.clock();
    if (this.list.length > 0 && now - this.fetchedAt >= this.settings.maxAgeMs && now - this.lastAttempt >= this.settings.cooldownMs) {
      void this.refresh(now);
    }
    return now;
  }

  private afterFetch(header: Readonly<Record<string, unknown>>): KeyObject {
    const { challenge, cooldownMs, clock } = this.settings;
    const key = selectKey(this.list, header, challenge);
    if (key !== undefined) return key;
    // Without a fresh answer from the endpoint, the token's key may exist there: unavailable, not invalid.
    if (this.list.length === 0 || this.lastError !== undefined) {
      const retryAfterSec = (this.lastAttempt + cooldownMs - clock()) / 1000;
      throw new KeySetUnavailableError({ retryAfterSec, cause: this.lastError });
    }
    throw new InvalidTokenError('unknown_key', { challenge });
  }

  /** Fetches once for everyone waiting; never rejects (a failure is kept in `lastError`). */
  private refresh(now: number): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    this.lastAttempt = now;
    this.inflight = this.fetchEntries().then(
      (entries) => {
        this.list = entries;
        this.current = new Set(entries.map((entry) => entry.key));
        this.fetchedAt = this.settings.clock();
        this.lastError = undefined;
      },
      (err: unknown) => {
        this.lastError = err;
      },
    ).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchEntries(): Promise<readonly KeyEntry[]> {
    const { source, algorithms, allowWeakKeys } = this.settings;
    const limits: FetchLimits = { timeoutMs: this.settings.timeoutMs, maxBytes: this.settings.maxBytes };
    this.jwksUri ??= await discoverJwksUri((source as { issuer: string }).issuer, limits);
    const client = new JwksClient({
      jwksUri: this.jwksUri,
      cache: false,
      rateLimit: false,
      fetcher: (uri) => fetchJson(uri, limits) as Promise<{ keys: unknown }>,
    });
    const signingKeys = await client.getSigningKeys();
    const entries = signingKeys
      .map((signingKey) => keyEntry(signingKey.kid || undefined, createPublicKey(signingKey.getPublicKey()), algorithms, allowWeakKeys, signingKey.alg))
      .filter((entry) => entry.algorithms.size > 0);
    if (entries.length === 0) throw new Error('the key set holds no key that fits the allowed algorithms');
    return Object.freeze(entries);
  }
}
