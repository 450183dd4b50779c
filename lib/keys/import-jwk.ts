import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

// The public members of each key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2). Only these reach
// the importer: private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`) and secrets (`k`)
// never do, whatever a key set holds.
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/**
 * Whether a JWK is meant for verifying signatures: `use` is `sig` or absent (RFC 7517 §4.2), and
 * `key_ops`, when present, includes `verify` (§4.3). Encryption keys published beside signing
 * keys are left out.
 *
 * @example
 * ```ts
 * isSigningJwk({ kty: 'RSA', use: 'enc', n: '...', e: 'AQAB' }); // false
 * ```
 */
export function isSigningJwk(jwk: Readonly<Record<string, unknown>>): boolean {
  const { use, key_ops: keyOps } = jwk;
  if (use !== undefined && use !== 'sig') return false;
  return keyOps === undefined || (Array.isArray(keyOps) && keyOps.includes('verify'));
}

/**
 * Imports the public key of an RSA, EC or OKP JWK with `node:crypto`, from its public members
 * only. Throws when the key type is another (`oct` secrets have no place in a public key set),
 * a required member is missing or not a string, or Node refuses the key.
 *
 * @example
 * ```ts
 * const key = importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * ```
 */
export function importPublicJwk(jwk: Readonly<Record<string, unknown>>): KeyObject {
  const { kty } = jwk;
  const members = typeof kty === 'string' && Object.hasOwn(PUBLIC_MEMBERS, kty) ? PUBLIC_MEMBERS[kty] : undefined;
  if (members === undefined) throw new TypeError('a public JWK has "kty" RSA, EC or OKP');
  const key: Record<string, string> = { kty: kty as string };
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') throw new TypeError(`a public ${String(kty)} JWK needs a string "${name}"`);
    key[name] = value;
  }
  return createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
}
