import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { throttleChannel } from '../observability/channels';
import type { ThrottleMessage } from '../observability/messages';
import { isStore, type Store } from '../store/store';
import { FAILURE_THROTTLE_OPTION_NAMES, type FailureThrottleOptions } from './failure-throttle-options';

const OWNER = 'failureThrottle';
/** The most clients remembered as blocked by one process (each until its window ends). */
const MAX_BLOCKED = 10_000;

/**
 * What a failure is counted against: the client IP, or a username at the token endpoint. Its
 * value is hashed before it reaches the store, and never published.
 *
 * @example
 * ```ts
 * const subject: ThrottleSubject = { scope: 'username', value: 'alice' };
 * ```
 */
export interface ThrottleSubject {
  readonly scope: ThrottleMessage['scope'];
  readonly value: string;
}

/**
 * The client address of a request: Express's `req.ip` (which follows `trust proxy`), else the
 * socket's address.
 *
 * @example
 * ```ts
 * const ip = clientAddress(req);
 * ```
 */
export function clientAddress(req: IncomingMessage): string {
  const ip: unknown = (req as { ip?: unknown }).ip;
  return typeof ip === 'string' && ip !== '' ? ip : (req.socket?.remoteAddress ?? 'unknown');
}

/** `operation`, or a rejection once `timeoutMs` has passed without an answer. */
function within<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('The store did not answer in time.')), timeoutMs);
    timer.unref();
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}

function publish(build: () => ThrottleMessage): void {
  if (throttleChannel.hasSubscribers) throttleChannel.publish(build());
}

/**
 * Counts failed authentications per client IP and per username in fixed windows of a
 * {@link Store}, and says when a client must wait. Built by {@link failureThrottle}; give it to
 * `authenticationMiddleware` (`throttle`, refused tokens per IP) and to the token endpoint
 * (`throttle`, failed sign-ins per IP and per username). It fails open: when the store cannot be
 * reached, requests go on as without a throttle, and `express-jwt-auth:throttle` says so.
 *
 * @example
 * ```ts
 * const throttle = failureThrottle({ store: memoryStore() });
 * app.use(authenticationMiddleware(backend, { throttle }));
 * ```
 */
export class FailureThrottle {
  private readonly store: Store;
  private readonly maxFailures: number;
  private readonly maxFailuresPerUsername: number;
  private readonly windowMs: number;
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;
  private readonly clock: () => number;
  /** Store keys known to be past their limit, with when their window ends (milliseconds). */
  private readonly blocked = new Map<string, number>();

  constructor(options: FailureThrottleOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: pass an options object, e.g. { store: memoryStore() }.`);
    rejectUnknownOptions(OWNER, options, FAILURE_THROTTLE_OPTION_NAMES);
    const { store, maxFailures = 20, maxFailuresPerUsername = 5, windowMs = 900_000, timeoutMs = 1000, keyPrefix = 'throttle:', clock = Date.now } = options;
    if (!isStore(store)) throw new TypeError(`${OWNER}: "store" is required: memoryStore(), or redisStore({ client }) from express-jwt-auth/redis to share the counts.`);
    for (const [name, value] of [['maxFailures', maxFailures], ['maxFailuresPerUsername', maxFailuresPerUsername], ['windowMs', windowMs], ['timeoutMs', timeoutMs]] as const) {
      checkNumber(OWNER, name, value, 1);
      if (!Number.isSafeInteger(value)) throw new TypeError(`${OWNER}: "${name}" must be a whole number, at least 1.`);
    }
    if (typeof keyPrefix !== 'string') throw new TypeError(`${OWNER}: "keyPrefix" must be a string.`);
    if (typeof clock !== 'function') throw new TypeError(`${OWNER}: "clock" must be a function returning milliseconds since the epoch.`);
    this.store = store;
    this.maxFailures = maxFailures;
    this.maxFailuresPerUsername = maxFailuresPerUsername;
    this.windowMs = windowMs;
    this.timeoutMs = timeoutMs;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
  }

  /**
   * Seconds until `subject` may try again when this process already knows it is past its
   * limit in the current window; `undefined` otherwise. Synchronous: no store round trip.
   */
  blockedLocally(subject: ThrottleSubject, where: ThrottleMessage['where']): number | undefined {
    const key = this.keyOf(subject, this.clock());
    const until = this.blocked.get(key);
    if (until === undefined) return undefined;
    const retryAfterSec = this.secondsUntil(until);
    if (retryAfterSec === undefined) {
      this.blocked.delete(key);
      return undefined;
    }
    publish(() => ({ event: 'blocked', scope: subject.scope, where, retryAfterSec }));
    return retryAfterSec;
  }

  /**
   * Reads the counts of `subjects` in the current window: seconds to wait when any is at its
   * limit, else `undefined` (also when the store cannot be reached: fail open).
   */
  async check(subjects: readonly ThrottleSubject[], where: ThrottleMessage['where']): Promise<number | undefined> {
    const now = this.clock();
    for (const subject of subjects) {
      const key = this.keyOf(subject, now);
      let count: number;
      try {
        count = Number(await within(this.store.get(key), this.timeoutMs) ?? 0);
      } catch {
        publish(() => ({ event: 'store_unavailable', scope: subject.scope, where }));
        continue;
      }
      if (count >= this.limitOf(subject)) return this.block(key, subject, where, now);
    }
    return undefined;
  }

  /**
   * Counts one failure against each of `subjects`: seconds to wait when one of them is now past
   * its limit, else `undefined` (also when the store cannot be reached: fail open).
   */
  async fail(subjects: readonly ThrottleSubject[], where: ThrottleMessage['where']): Promise<number | undefined> {
    const now = this.clock();
    let retryAfterSec: number | undefined;
    for (const subject of subjects) {
      const key = this.keyOf(subject, now);
      let count: number;
      try {
        count = await within(this.store.increment(key, Math.max(1, this.windowEnd(now) - now)), this.timeoutMs);
      } catch {
        publish(() => ({ event: 'store_unavailable', scope: subject.scope, where }));
        continue;
      }
      publish(() => ({ event: 'counted', scope: subject.scope, where, count }));
      if (count > this.limitOf(subject)) retryAfterSec ??= this.block(key, subject, where, now);
    }
    return retryAfterSec;
  }

  private limitOf(subject: ThrottleSubject): number {
    return subject.scope === 'ip' ? this.maxFailures : this.maxFailuresPerUsername;
  }

  private block(key: string, subject: ThrottleSubject, where: ThrottleMessage['where'], now: number): number {
    const until = this.windowEnd(now);
    // Bounded: a flood from many addresses must not grow this map without end.
    if (this.blocked.size >= MAX_BLOCKED) this.blocked.delete(this.blocked.keys().next().value as string);
    this.blocked.set(key, until);
    const retryAfterSec = Math.max(1, Math.ceil((until - now) / 1000));
    publish(() => ({ event: 'blocked', scope: subject.scope, where, retryAfterSec }));
    return retryAfterSec;
  }

  private secondsUntil(until: number): number | undefined {
    const left = until - this.clock();
    return left > 0 ? Math.max(1, Math.ceil(left / 1000)) : undefined;
  }

  // Windows are aligned on the clock, so that every instance sharing the store counts in the
  // same window and knows when it ends (an increment does not tell how long its key has left).
  private windowEnd(now: number): number {
    return (Math.floor(now / this.windowMs) + 1) * this.windowMs;
  }

  // Hashed: a username (or an address) never appears in the store, and a key stays short
  // whatever the client sends.
  // A username is counted case- and width-insensitively: `Alice` and `ａｌｉｃｅ` must not be fresh
  // attempts at an account whose lookup ignores case.
  private keyOf(subject: ThrottleSubject, now: number): string {
    const value = subject.scope === 'username' ? subject.value.normalize('NFKC').toLowerCase() : subject.value;
    const hash = createHash('sha256').update(value).digest('base64url');
    return `${this.keyPrefix}${subject.scope}:${Math.floor(now / this.windowMs)}:${hash}`;
  }
}

/**
 * Builds a {@link FailureThrottle}; a mistake in the options throws a `TypeError` here.
 *
 * @example
 * ```ts
 * const throttle = failureThrottle({ store: redisStore({ client }), maxFailures: 20, maxFailuresPerUsername: 5 });
 * app.use(authenticationMiddleware(backend, { throttle }));
 * app.post('/token', oauth2.tokenEndpoint({ verifyCredentials, throttle }));
 * ```
 */
export function failureThrottle(options: FailureThrottleOptions): FailureThrottle {
  return new FailureThrottle(options);
}
