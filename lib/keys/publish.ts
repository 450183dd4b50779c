import { createHash, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { KeyEntry } from './key-entry';

// RFC 7638 §3.2: the members that make up a key's thumbprint, in lexicographic order.
export const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: a stable `kid` that
 * anyone holding the key can recompute. (For RSA-PSS keys, which have no JWK form in Node, the
 * SHA-256 of the SPKI instead.)
 *
 * @example
 * ```ts
 * jwkThumbprint(publicKey); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function jwkThumbprint(publicKey: KeyObject): string {
  // Node cannot express an RSA-PSS key as a JWK; its SPKI digest is just as stable a `kid`.
  if (publicKey.asymmetricKeyType === 'rsa-pss') {
    return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  }
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The public JWK of a key entry, for publishing (RFC 7517 §4): only public members, with
 * `kid`, `use: 'sig'`, and `alg` when the key serves exactly one allowed algorithm: `Ed25519`
 * (RFC 9864) for an Ed25519 key of a backend that allows only `Ed25519`, `EdDSA` for one that
 * allows only `EdDSA`, and none when it allows both (verifiers may then use either name).
 *
 * @example
 * ```ts
 * publicJwk(entry); // { kty: 'OKP', crv: 'Ed25519', x: '...', kid: '...', use: 'sig', alg: 'EdDSA' }
 * ```
 */
export function publicJwk(entry: KeyEntry): JsonWebKey {
  if (entry.key.type !== 'public') throw new TypeError('only public keys are published');
  if (entry.key.asymmetricKeyType === 'rsa-pss') {
    throw new TypeError('jwks(): an RSA-PSS key has no JWK form; use a plain RSA key (it serves PS* too) to publish.');
  }
  // Exporting the public KeyObject can only yield public members; nothing private is in reach.
  const jwk = entry.key.export({ format: 'jwk' });
  const [alg] = entry.algorithms.size === 1 ? [...entry.algorithms] : [undefined];
  return { ...jwk, kid: entry.kid ?? jwkThumbprint(entry.key), use: 'sig', ...(alg === undefined ? {} : { alg }) };
}
