import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError } from '../errors';
import type { Algorithm } from './algorithms';
import { describeMisfit } from './key-objects';

/** A verification key with what a token header is matched against. */
export interface KeyEntry {
  /** The key id (`kid`), when the key has one. */
  readonly kid: string | undefined;
  readonly key: KeyObject;
  /** The allowed algorithms this key can verify: its type, curve, size and JWK `alg` fit them. */
  readonly algorithms: ReadonlySet<string>;
}

/**
 * Builds a key entry, keeping only the allowed algorithms the key fits (and, when the JWK
 * names one, only its `alg`). An entry that fits none is useless and is left out by callers.
 *
 * @example
 * ```ts
 * const entry = keyEntry('2024-06', publicKey, ['RS256', 'PS256'], false);
 * ```
 */
export function keyEntry(
  kid: string | undefined,
  key: KeyObject,
  allowed: readonly Algorithm[],
  allowWeakKeys: boolean,
  jwkAlg?: string,
): KeyEntry {
  const algorithms = allowed.filter((algorithm) => (jwkAlg === undefined || jwkAlg === algorithm)
    && describeMisfit(key, algorithm, allowWeakKeys) === undefined);
  return Object.freeze({ kid, key, algorithms: new Set(algorithms) });
}

/**
 * Picks the key for a token: by `kid` when the token has one, else the one key that fits its
 * algorithm (RFC 7515 §4.1.4 makes `kid` optional, but guessing among several keys is not
 * safe). Returns `undefined` when no key qualifies; a `kid` that is not a string is malformed.
 *
 * @example
 * ```ts
 * const key = selectKey(entries, { alg: 'RS256', kid: '2024-06' }, challenge);
 * ```
 */
export function selectKey(entries: readonly KeyEntry[], header: Readonly<Record<string, unknown>>, challenge: Challenge): KeyObject | undefined {
  const { alg, kid } = header;
  if (kid !== undefined && typeof kid !== 'string') throw new InvalidTokenError('malformed', { challenge });
  const fitting = entries.filter((entry) => entry.algorithms.has(alg as string));
  if (kid !== undefined) return fitting.find((entry) => entry.kid === kid)?.key;
  return fitting.length === 1 ? fitting[0].key : undefined;
}
