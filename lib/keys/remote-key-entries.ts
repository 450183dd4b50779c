import type { KeyObject } from 'node:crypto';
import type { Algorithm } from './algorithms';
import { importPublicJwk, isSigningJwk } from './import-jwk';
import { type KeyEntry, keyEntry } from './key-entry';
import { KeySetFetchError } from './key-set-fetch-error';

/**
 * Reads a fetched JWKS (RFC 7517 §5) into key entries: signing keys only (`use`, `key_ops`),
 * imported from their public members with `node:crypto`, each narrowed to the allowed algorithms
 * it fits (and to its `alg`, when named). A key that does not import or fits no allowed
 * algorithm is skipped: one odd key must not make the whole set unusable. Throws a
 * {@link KeySetFetchError}: `invalid_document` without a `keys` array, `no_usable_key` when
 * nothing is left.
 *
 * @example
 * ```ts
 * const entries = remoteKeyEntries(await fetchJson(jwksUri, limits), jwksUri, ['RS256'], false);
 * ```
 */
export function remoteKeyEntries(document: unknown, url: string, algorithms: readonly Algorithm[], allowWeakKeys: boolean): readonly KeyEntry[] {
  const keys = typeof document === 'object' && document !== null && Object.hasOwn(document, 'keys') ? (document as { keys: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new KeySetFetchError('invalid_document', { url });
  const entries: KeyEntry[] = [];
  for (const jwk of keys as unknown[]) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) continue;
    const members = jwk as Readonly<Record<string, unknown>>;
    if (!isSigningJwk(members)) continue;
    let key: KeyObject;
    try {
      key = importPublicJwk(members);
    } catch {
      continue;
    }
    const { kid, alg } = members;
    const entry = keyEntry(typeof kid === 'string' && kid !== '' ? kid : undefined, key, algorithms, allowWeakKeys, typeof alg === 'string' && alg !== '' ? alg : undefined);
    if (entry.algorithms.size > 0) entries.push(entry);
  }
  if (entries.length === 0) throw new KeySetFetchError('no_usable_key', { url, algorithms });
  return Object.freeze(entries);
}
