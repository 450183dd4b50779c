import type { KeyObject } from 'node:crypto';
import type { KeyEntry } from './key-entry';

/**
 * Finds the key that verifies a token, from its header. Static keys answer synchronously;
 * a remote key set answers with a promise when it has to fetch.
 *
 * It throws (or rejects with) `InvalidTokenError('unknown_key')` when no key matches, and
 * `KeySetUnavailableError` (503) when the keys cannot be had right now.
 */
export interface KeyResolver {
  resolve(header: Readonly<Record<string, unknown>>): KeyObject | Promise<KeyObject>;
  /** The keys known now. */
  entries(): readonly KeyEntry[];
  /** Whether `key` is still one of the keys (a remote set may have rotated it out). */
  trusts(key: KeyObject): boolean;
}
