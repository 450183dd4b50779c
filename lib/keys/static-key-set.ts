import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError } from '../errors';
import { type Algorithm, keyFamily } from './algorithms';
import { importPublicJwk, isSigningJwk } from './import-jwk';
import { describeMisfit, isKeyObject, type KeyInput, toKeyObject } from './key-objects';
import { type KeyEntry, keyEntry, selectKey } from './key-entry';
import type { KeyResolver } from './key-resolver';

/**
 * A JSON Web Key Set (RFC 7517 §5), as `secretKey` accepts it inline.
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({ secretKey: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '...', kid: 'k1' }] }, algorithm: 'EdDSA' });
 * ```
 */
export interface JsonWebKeySet {
  readonly keys: readonly JsonWebKey[];
}

/**
 * Keys by `kid`, for self-managed rotation: old and new keys both verify during a grace period.
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({ secretKey: { '2024-01': oldPublicPem, '2024-06': newPublicPem }, algorithm: 'RS256' });
 * ```
 */
export type KeyMap = Readonly<Record<string, KeyInput>>;

/** Whether a `secretKey` value is an inline JWKS. */
export function isJsonWebKeySet(value: unknown): value is JsonWebKeySet {
  return typeof value === 'object' && value !== null && !isKeyObject(value) && !Buffer.isBuffer(value)
    && Array.isArray((value as JsonWebKeySet).keys);
}

/** Whether a `secretKey` value is a map of `kid` to keys. */
export function isKeyMap(value: unknown): value is KeyMap {
  return typeof value === 'object' && value !== null && !isKeyObject(value) && !Buffer.isBuffer(value)
    && !Array.isArray(value) && !isJsonWebKeySet(value);
}

/** One key, used for every token whatever its `kid` (the plain `secretKey` case). */
export class SingleKey implements KeyResolver {
  private readonly list: readonly KeyEntry[];

  constructor(entry: KeyEntry, private readonly challenge: Challenge) {
    this.list = Object.freeze([entry]);
  }

  resolve(header: Readonly<Record<string, unknown>>): KeyObject {
    const [entry] = this.list;
    if (!entry.algorithms.has(header.alg as string)) throw new InvalidTokenError('unknown_key', { challenge: this.challenge });
    return entry.key;
  }

  entries(): readonly KeyEntry[] {
    return this.list;
  }

  /** Static keys never change. */
  trusts(): boolean {
    return true;
  }
}

/** Several keys chosen by `kid`: an inline JWKS or a `kid` → key map. Answers synchronously. */
export class StaticKeySet implements KeyResolver {
  constructor(private readonly list: readonly KeyEntry[], private readonly challenge: Challenge) {}

  resolve(header: Readonly<Record<string, unknown>>): KeyObject {
    const key = selectKey(this.list, header, this.challenge);
    if (key === undefined) throw new InvalidTokenError('unknown_key', { challenge: this.challenge });
    return key;
  }

  entries(): readonly KeyEntry[] {
    return this.list;
  }

  /** Static keys never change. */
  trusts(): boolean {
    return true;
  }
}

/**
 * Reads an inline JWKS or a `kid` map into key entries, at construction. Every key must fit at
 * least one allowed algorithm; a JWKS holds public keys only (`oct` keys would put HMAC
 * secrets in a document meant to be published). JWKs go through the same filter and importer
 * as a remote key set's (`use`, `key_ops`, public members only), but a key that does not
 * import is a `TypeError` here.
 *
 * @example
 * ```ts
 * const entries = staticEntries('MyApp', { '2024-01': oldPem, '2024-06': newPem }, ['RS256'], false);
 * ```
 */
export function staticEntries(owner: string, keys: JsonWebKeySet | KeyMap, algorithms: readonly Algorithm[], allowWeakKeys: boolean): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const add = (kid: string, key: KeyObject, alg?: string): void => {
    if (entries.some((entry) => entry.kid === kid)) throw new TypeError(`${owner}: key id ${JSON.stringify(kid)} appears twice in "secretKey".`);
    const entry = keyEntry(kid, key, algorithms, allowWeakKeys, alg);
    if (entry.algorithms.size === 0) {
      const misfit = describeMisfit(key, algorithms[0], allowWeakKeys) ?? `its "alg" is not among ${algorithms.join(', ')}`;
      throw new TypeError(`${owner}: key ${JSON.stringify(kid)} fits none of the allowed algorithms: ${misfit}.`);
    }
    entries.push(entry);
  };
  if (isJsonWebKeySet(keys)) {
    if (keyFamily(algorithms[0]) === 'hmac') throw new TypeError(`${owner}: an inline JWKS holds public keys; HMAC backends take a secret or a kid map.`);
    for (const jwk of keys.keys) {
      const { kid, alg } = jwk as JsonWebKey & { kid?: unknown };
      if (typeof kid !== 'string' || kid === '') throw new TypeError(`${owner}: every key of an inline JWKS needs a "kid".`);
      if (!isSigningJwk(jwk)) continue;
      let key: KeyObject;
      try {
        key = importPublicJwk(jwk);
      } catch (cause) {
        throw new TypeError(`${owner}: key ${JSON.stringify(kid)} of the inline JWKS is not a valid public JWK.`, { cause });
      }
      add(kid, key, typeof alg === 'string' ? alg : undefined);
    }
  } else {
    const hmac = keyFamily(algorithms[0]) === 'hmac';
    for (const [kid, input] of Object.entries(keys)) add(kid, toKeyObject(owner, input, hmac));
  }
  if (entries.length === 0) throw new TypeError(`${owner}: "secretKey" holds no signing key.`);
  return entries;
}
