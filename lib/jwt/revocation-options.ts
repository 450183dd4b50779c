import type { Challenge } from '../core/challenge';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { isStore, type Store } from '../store/store';

/**
 * How a backend with a `store` keeps and checks its local copy of the revocations.
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({ secretKey, store, revocation: { maxStalenessMs: 2000, maxTokenLifetime: 900 } });
 * ```
 */
export interface RevocationOptions {
  /**
   * How long, in milliseconds, the local copy may go without the store (change feed lost, or a
   * resynchronisation failing) before requests are answered 503 `temporarily_unavailable`
   * (`RevocationUnavailableError`) instead of being checked against it. Default: `5000`.
   */
  readonly maxStalenessMs?: number;
  /**
   * Past `maxStalenessMs`, check tokens against the stale local copy and accept them, instead
   * of refusing every request with 503: availability over the last few revocations. Default: `false`.
   */
  readonly failOpen?: boolean;
  /**
   * How often, in milliseconds, the whole local copy is reloaded from the store, besides the
   * change feed (which carries each revocation as it is made) and every reconnection. Default: `30000`.
   */
  readonly resyncIntervalMs?: number;
  /**
   * The longest lifetime of a token this backend accepts, in seconds: how long `revokeSubject`
   * is remembered, and a bare `jti` revoked without `expiresAt`. Default: `maxAge` when set,
   * else `expiresIn` (3600).
   */
  readonly maxTokenLifetime?: number;
}

/** A backend's revocation settings, read once. */
export interface RevocationSettings {
  readonly store: Store;
  readonly maxStalenessMs: number;
  readonly failOpen: boolean;
  readonly resyncIntervalMs: number;
  /** In seconds. */
  readonly maxTokenLifetime: number;
  /** In seconds. */
  readonly clockTolerance: number;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  readonly challenge: Challenge;
}

/** What {@link readRevocationOptions} needs from the rest of the backend's settings. */
export interface RevocationContext {
  readonly clockTolerance: number;
  readonly maxAge: number | undefined;
  readonly expiresIn: number;
  readonly clock: () => number;
  readonly challenge: Challenge;
}

/**
 * Reads the `store` and `revocation` options of a JWT backend; `undefined` without a store.
 * Every mistake is a `TypeError` naming `owner` and the option.
 *
 * @example
 * ```ts
 * const revocation = readRevocationOptions(owner, options.store, options.revocation, settings);
 * ```
 */
export function readRevocationOptions(owner: string, store: unknown, options: unknown, context: RevocationContext): RevocationSettings | undefined {
  if (store === undefined) {
    if (options !== undefined) throw new TypeError(`${owner}: "revocation" needs "store" (e.g. store: memoryStore()).`);
    return undefined;
  }
  if (!isStore(store)) {
    throw new TypeError(`${owner}: "store" must be a Store: memoryStore() for one process, or redisStore({ client }) from express-jwt-auth/redis.`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${owner}: "revocation" must be an options object, e.g. { maxStalenessMs: 5000 }.`);
  }
  const given = (options ?? {}) as RevocationOptions;
  const where = `${owner}: revocation`;
  rejectUnknownOptions(where, given, ['maxStalenessMs', 'failOpen', 'resyncIntervalMs', 'maxTokenLifetime']);
  checkNumber(where, 'maxStalenessMs', given.maxStalenessMs, 0);
  checkNumber(where, 'resyncIntervalMs', given.resyncIntervalMs, 100);
  checkNumber(where, 'maxTokenLifetime', given.maxTokenLifetime, 1);
  if (given.failOpen !== undefined && typeof given.failOpen !== 'boolean') throw new TypeError(`${where}: "failOpen" must be true or false.`);
  const maxTokenLifetime = given.maxTokenLifetime ?? context.maxAge ?? context.expiresIn;
  return {
    store,
    maxStalenessMs: given.maxStalenessMs ?? 5000,
    failOpen: given.failOpen === true,
    resyncIntervalMs: given.resyncIntervalMs ?? 30_000,
    maxTokenLifetime: Math.ceil(maxTokenLifetime),
    clockTolerance: Math.ceil(context.clockTolerance),
    clock: context.clock,
    challenge: context.challenge,
  };
}
