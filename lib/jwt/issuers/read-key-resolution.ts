import type { Challenge } from '../../core/challenge';
import { checkNumber, rejectUnknownOptions } from '../../core/options';
import { type Algorithm, keyFamily } from '../../keys/algorithms';
import { checkOneKeyKind } from '../../keys/key-objects';
import { MONOTONIC_CLOCK } from '../../keys/remote-key-set';
import type { BaseUser } from '../../user';
import type { JWTAuthenticationBackendOptions } from '../jwt-backend-options';
import type { KeyResolutionOptions, KeyResolverFunction } from './key-resolver-options';

/** The `keyResolver` option and its `keyResolution`, read and validated. */
export interface KeyResolutionSettings {
  readonly resolver: KeyResolverFunction;
  readonly cacheKey: NonNullable<KeyResolutionOptions['cacheKey']>;
  /** Entries; `0` remembers none. */
  readonly cacheSize: number;
  /** In milliseconds, on `monotonicClock`. */
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly monotonicClock: () => number;
  readonly algorithms: readonly Algorithm[];
  /** Whether the algorithms are HMAC ones (the resolver must answer secrets). */
  readonly hmac: boolean;
  readonly allowWeakKeys: boolean;
  readonly challenge: Challenge;
}

const RESOLUTION_OPTION_NAMES: readonly string[] = Object.freeze(['cacheKey', 'cacheSize', 'maxAgeMs', 'cooldownMs', 'timeoutMs']);

/** The default cache key: the unverified `iss` and `kid`, which name a provider's key. */
function issuerAndKid(_req: unknown, header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([typeof payload.iss === 'string' ? payload.iss : null, typeof header.kid === 'string' ? header.kid : null]);
}

/**
 * Reads the `keyResolver` and `keyResolution` options. The algorithms must be given (the
 * resolver's keys are checked against them at each request, so they cannot be guessed from a
 * key here) and be of one kind.
 *
 * @example
 * ```ts
 * const settings = readKeyResolution('MyApp', { keyResolver, algorithms: ['RS256'] }, ['RS256'], challenge);
 * ```
 */
export function readKeyResolution(
  owner: string,
  options: JWTAuthenticationBackendOptions<BaseUser>,
  algorithms: readonly Algorithm[],
  challenge: Challenge,
): KeyResolutionSettings {
  const { keyResolver, keyResolution } = options;
  if (typeof keyResolver !== 'function') throw new TypeError(`${owner}: "keyResolver" must be a function (req, header, unverifiedPayload) returning a key.`);
  if (options.algorithm === undefined && options.algorithms === undefined) {
    throw new TypeError(`${owner}: with "keyResolver", give "algorithms" (or "algorithm"): the keys it returns must fit them, e.g. algorithms: ['RS256'].`);
  }
  checkOneKeyKind(owner, algorithms);
  if (keyResolution !== undefined && (typeof keyResolution !== 'object' || keyResolution === null)) {
    throw new TypeError(`${owner}: "keyResolution" must be an object.`);
  }
  const resolution = keyResolution ?? {};
  rejectUnknownOptions(`${owner} keyResolution`, resolution, RESOLUTION_OPTION_NAMES);
  checkNumber(owner, 'keyResolution.cacheSize', resolution.cacheSize, 0);
  for (const name of ['maxAgeMs', 'cooldownMs', 'timeoutMs'] as const) checkNumber(owner, `keyResolution.${name}`, resolution[name], 1);
  const cacheSize = resolution.cacheSize ?? 1000;
  if (!Number.isInteger(cacheSize)) throw new TypeError(`${owner}: "keyResolution.cacheSize" must be a whole number of keys (0 remembers none).`);
  if (resolution.cacheKey !== undefined && typeof resolution.cacheKey !== 'function') {
    throw new TypeError(`${owner}: "keyResolution.cacheKey" must be a function (req, header, unverifiedPayload) returning a string.`);
  }
  const { allowWeakKeys = false } = options;
  if (typeof allowWeakKeys !== 'boolean') throw new TypeError(`${owner}: "allowWeakKeys" must be true or false.`);
  // Not a public option: tests move this clock by hand, as they do a remote key set's.
  const monotonicClock = (resolution as { readonly [MONOTONIC_CLOCK]?: unknown })[MONOTONIC_CLOCK] ?? (() => performance.now());
  if (typeof monotonicClock !== 'function') throw new TypeError(`${owner}: the monotonic clock of "keyResolution" must be a function.`);
  return Object.freeze({
    resolver: keyResolver,
    cacheKey: resolution.cacheKey ?? issuerAndKid,
    cacheSize,
    maxAgeMs: resolution.maxAgeMs ?? 600_000,
    cooldownMs: resolution.cooldownMs ?? 5000,
    timeoutMs: resolution.timeoutMs ?? 5000,
    monotonicClock: monotonicClock as () => number,
    algorithms,
    hmac: keyFamily(algorithms[0]) === 'hmac',
    allowWeakKeys,
    challenge,
  });
}
