import type { KeyObject } from 'node:crypto';
import type { TokenPayload } from '../credentials';

/** What a verified token leaves in the cache: its claims and the key that verified it. */
export interface VerifiedToken {
  readonly payload: TokenPayload;
  readonly key: KeyObject;
}

/**
 * A bounded least-recently-used map from whole tokens to their verification, so a token seen
 * before skips the signature check. It only remembers; the verifier decides on every hit
 * (times against the clock, the key still trusted).
 *
 * @example
 * ```ts
 * const cache = new TokenCache(10_000);
 * cache.set(token, { payload, key });
 * cache.get(token)?.payload;
 * ```
 */
export class TokenCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the oldest entry first.
  private readonly entries = new Map<string, VerifiedToken>();

  /** @param maxEntries - How many tokens to remember, at least 1. */
  constructor(private readonly maxEntries: number) {}

  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry !== undefined) {
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    this.entries.delete(token);
    this.entries.set(token, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** How many tokens are remembered. */
  get size(): number {
    return this.entries.size;
  }
}
