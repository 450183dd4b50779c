import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { readDiscoveryOption } from '../keys/discovery';
import { describeUnfetchableUrl } from '../keys/fetch-json';
import { keyEntry, type KeyEntry } from '../keys/key-entry';
import type { KeyResolver } from '../keys/key-resolver';
import { jwkThumbprint } from '../keys/publish';
import { MONOTONIC_CLOCK, RemoteKeySet, type RemoteKeySetOptions, type RemoteKeySetSettings } from '../keys/remote-key-set';
import { isJsonWebKeySet, isKeyMap, SingleKey, StaticKeySet, staticEntries } from '../keys/static-key-set';
import type { BaseUser } from '../user';
import { type Algorithm, keyFamily } from '../keys/algorithms';
import type { JWTAuthenticationBackendOptions } from './jwt-backend-options';
import { checkOneKeyKind, toSigningKey, toVerificationKey } from '../keys/key-objects';
import { readLogger } from '../observability/logger';

/** What a backend verifies and signs with, read from its key options. */
export interface KeySettings {
  readonly keys: KeyResolver;
  /** Whether the keys come from a remote key set (so the backend has nothing of its own to publish). */
  readonly remote: boolean;
  /** The key tokens are signed with, or `undefined` when the backend cannot sign. */
  readonly signingKey: KeyObject | undefined;
  /** The `kid` header of issued tokens. */
  readonly signingKeyId: string | undefined;
}

const REMOTE_OPTION_NAMES = ['timeoutMs', 'cooldownMs', 'maxAgeMs', 'maxBytes', 'allowInsecureHttp'] as const;

function readRemoteOptions(
  owner: string,
  value: RemoteKeySetOptions | undefined,
): Required<RemoteKeySetOptions> & Pick<RemoteKeySetSettings, 'monotonicClock'> {
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw new TypeError(`${owner}: "keySetFetch" must be an object.`);
  const options = value ?? {};
  rejectUnknownOptions(`${owner} keySetFetch`, options, REMOTE_OPTION_NAMES);
  for (const name of REMOTE_OPTION_NAMES) if (name !== 'allowInsecureHttp') checkNumber(owner, `keySetFetch.${name}`, options[name], 1);
  const { allowInsecureHttp = false } = options;
  if (typeof allowInsecureHttp !== 'boolean') throw new TypeError(`${owner}: "keySetFetch.allowInsecureHttp" must be true or false.`);
  if (allowInsecureHttp && process.env.NODE_ENV === 'production') {
    throw new TypeError(`${owner}: "keySetFetch.allowInsecureHttp" is for development only, and NODE_ENV is "production": `
      + 'keys fetched over plain HTTP can be swapped in transit. Serve the key set (and discovery document) over HTTPS.');
  }
  // Not a public option: tests move this clock by hand (see MONOTONIC_CLOCK).
  const monotonicClock = (options as { readonly [MONOTONIC_CLOCK]?: unknown })[MONOTONIC_CLOCK] ?? (() => performance.now());
  if (typeof monotonicClock !== 'function') throw new TypeError(`${owner}: the monotonic clock of "keySetFetch" must be a function.`);
  return {
    timeoutMs: options.timeoutMs ?? 5000,
    cooldownMs: options.cooldownMs ?? 30_000,
    maxAgeMs: options.maxAgeMs ?? 600_000,
    maxBytes: options.maxBytes ?? 1_048_576,
    allowInsecureHttp,
    monotonicClock: monotonicClock as () => number,
  };
}

function readRemoteKeys(
  owner: string,
  options: JWTAuthenticationBackendOptions<BaseUser>,
  algorithms: readonly Algorithm[],
  allowWeakKeys: boolean,
  challenge: Challenge,
): KeyResolver {
  // A key set published for everyone to read cannot hold an HMAC secret: an HS token checked
  // against it is the algorithm-confusion attack.
  if (algorithms.some((algorithm) => keyFamily(algorithm) === 'hmac')) {
    throw new TypeError(`${owner}: remote key sets only allow RS/PS/ES/EdDSA algorithms.`);
  }
  const fetchOptions = readRemoteOptions(owner, options.keySetFetch);
  const { jwksUri, issuer } = options;
  if (jwksUri !== undefined) {
    const problem = typeof jwksUri === 'string' ? describeUnfetchableUrl(jwksUri, fetchOptions.allowInsecureHttp) : 'must be a string';
    if (problem !== undefined) throw new TypeError(`${owner}: "jwksUri" ${problem}.`);
  } else if (typeof issuer === 'string') {
    const problem = describeUnfetchableUrl(issuer, fetchOptions.allowInsecureHttp);
    if (problem !== undefined) {
      throw new TypeError(`${owner}: "issuer" cannot be used for OpenID Connect discovery: it ${problem}. (Or give "secretKey" or "jwksUri".)`);
    }
  } else {
    throw new TypeError(`${owner}: give "secretKey", "jwksUri", or a single HTTPS "issuer" for OpenID Connect discovery.`);
  }
  return new RemoteKeySet({
    ...fetchOptions,
    source: jwksUri !== undefined ? { jwksUri } : { issuer: issuer as string, discovery: readDiscoveryOption(owner, options.discovery) },
    algorithms,
    allowWeakKeys,
    challenge,
    warn: readLogger(owner, options.logger),
  });
}

function staticKeys(owner: string, options: JWTAuthenticationBackendOptions<BaseUser>, algorithms: readonly Algorithm[], allowWeakKeys: boolean, challenge: Challenge): KeyResolver {
  const { secretKey } = options;
  if (isJsonWebKeySet(secretKey) || isKeyMap(secretKey)) {
    return new StaticKeySet(Object.freeze(staticEntries(owner, secretKey, algorithms, allowWeakKeys)), challenge);
  }
  const key = toVerificationKey(owner, secretKey as Exclude<typeof secretKey, undefined>, algorithms, allowWeakKeys);
  const kid = key.type === 'public' ? jwkThumbprint(key) : undefined;
  return new SingleKey(keyEntry(kid, key, algorithms, allowWeakKeys), challenge);
}

function readSigning(owner: string, options: JWTAuthenticationBackendOptions<BaseUser>, entries: readonly KeyEntry[], hmac: boolean): Pick<KeySettings, 'signingKey' | 'signingKeyId'> {
  const { signingKey, signingKeyId } = options;
  if (signingKeyId !== undefined && (typeof signingKeyId !== 'string' || signingKeyId === '')) {
    throw new TypeError(`${owner}: "signingKeyId" must be a non-empty string.`);
  }
  if (hmac) {
    if (signingKey !== undefined) throw new TypeError(`${owner}: "signingKey" is for asymmetric algorithms; HMAC backends sign with "secretKey".`);
    if (entries.length === 1 && entries[0].kid === undefined) return { signingKey: entries[0].key, signingKeyId };
    // A kid map of secrets: the kid names the secret to sign with.
    if (signingKeyId === undefined) return { signingKey: undefined, signingKeyId: undefined };
    const entry = entries.find((candidate) => candidate.kid === signingKeyId);
    if (entry === undefined) throw new TypeError(`${owner}: "signingKeyId" names no key in "secretKey".`);
    return { signingKey: entry.key, signingKeyId };
  }
  if (signingKey === undefined) {
    if (signingKeyId !== undefined) throw new TypeError(`${owner}: "signingKeyId" needs "signingKey".`);
    return { signingKey: undefined, signingKeyId: undefined };
  }
  const { key, publicIndex } = toSigningKey(owner, signingKey, entries.map((entry) => entry.key));
  return { signingKey: key, signingKeyId: signingKeyId ?? entries[publicIndex].kid };
}

/**
 * Reads the key options of a JWT backend (`secretKey` in its three shapes, `jwksUri`, OpenID
 * Connect discovery, `signingKey`, `signingKeyId`, `allowWeakKeys`, `keySetFetch`) once, at
 * construction, throwing a `TypeError` for every mistake.
 *
 * @example
 * ```ts
 * const { keys, signingKey } = readKeyOptions('MyApp', options, ['RS256'], challenge);
 * ```
 */
export function readKeyOptions(
  owner: string,
  options: JWTAuthenticationBackendOptions<BaseUser>,
  algorithms: readonly Algorithm[],
  challenge: Challenge,
): KeySettings {
  const { allowWeakKeys = false } = options;
  readLogger(owner, options.logger);
  if (typeof allowWeakKeys !== 'boolean') throw new TypeError(`${owner}: "allowWeakKeys" must be true or false.`);
  if (options.secretKey !== undefined && options.jwksUri !== undefined) throw new TypeError(`${owner}: give "secretKey" or "jwksUri", not both.`);
  if (options.discovery !== undefined && (options.secretKey !== undefined || options.jwksUri !== undefined)) {
    throw new TypeError(`${owner}: "discovery" finds the key set from "issuer"; it has no use beside "secretKey" or "jwksUri".`);
  }
  checkOneKeyKind(owner, algorithms);
  if (options.secretKey === undefined) {
    if (options.signingKey !== undefined) throw new TypeError(`${owner}: a backend that verifies a remote key set cannot sign; "signingKey" needs "secretKey".`);
    return { keys: readRemoteKeys(owner, options, algorithms, allowWeakKeys, challenge), remote: true, signingKey: undefined, signingKeyId: undefined };
  }
  const keys = staticKeys(owner, options, algorithms, allowWeakKeys, challenge);
  const hmac = keyFamily(algorithms[0]) === 'hmac';
  return { keys, remote: false, ...readSigning(owner, options, keys.entries(), hmac) };
}
