import type { KeyObject } from 'node:crypto';
import { importPublicJwk, isSigningJwk } from '../../keys/import-jwk';
import { keyEntry, type KeyEntry } from '../../keys/key-entry';
import { describeMisfit, isKeyObject, toKeyObject } from '../../keys/key-objects';
import type { KeyResolutionSettings } from './read-key-resolution';

/**
 * Turns what a `keyResolver` answered into a key entry under the rules static keys follow (key
 * type, curve, strength, no PEM or public key as an HMAC secret, public members of a JWK only),
 * or says why it cannot verify anything: a constant sentence for logs, never the key itself.
 *
 * @example
 * ```ts
 * const entry = resolvedKeyEntry(await keyResolver(req, header, payload), settings);
 * if (typeof entry === 'string') log.warn(entry);
 * ```
 */
export function resolvedKeyEntry(value: unknown, settings: Pick<KeyResolutionSettings, 'algorithms' | 'hmac' | 'allowWeakKeys'>): KeyEntry | string {
  const { algorithms, hmac, allowWeakKeys } = settings;
  if (value === null || value === undefined) return 'keyResolver returned no key for this token';
  let key: KeyObject;
  try {
    if (typeof value === 'string' || Buffer.isBuffer(value) || isKeyObject(value)) {
      key = toKeyObject('keyResolver', value, hmac);
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      // A JWK, as a published key set holds them: public keys only, never an `oct` secret.
      if (hmac) return 'keyResolver returned a JWK, but HMAC algorithms need a secret (string, Buffer or secret KeyObject)';
      if (!isSigningJwk(value as Readonly<Record<string, unknown>>)) return 'keyResolver returned a JWK that is not for verifying signatures ("use" or "key_ops")';
      key = importPublicJwk(value as Readonly<Record<string, unknown>>);
    } else {
      return 'keyResolver returned neither a key (string, Buffer, KeyObject) nor a JWK';
    }
  } catch (err) {
    return `keyResolver returned an unusable key: ${err instanceof Error ? err.message : 'it cannot be imported'}`;
  }
  const entry = keyEntry(undefined, key, algorithms, allowWeakKeys);
  if (entry.algorithms.size === 0) return `keyResolver returned a key that fits none of the allowed algorithms: ${describeMisfit(key, algorithms[0], allowWeakKeys) ?? algorithms.join(', ')}`;
  return entry;
}
