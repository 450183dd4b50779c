import type { KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { claims } from './tokens';

/** The asymmetric algorithms keys are generated for here. */
export type JoseAlgorithm = 'RS256' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';

/** A key pair made by jose, an implementation independent of the library under test. */
export interface JoseKey {
  readonly kid: string;
  readonly alg: JoseAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as jose exports it, with `kid` and any extra members asked for. */
  readonly jwk: jose.JWK;
}

/**
 * Generates a key pair with jose and exports its public JWK with `kid`.
 *
 * @example
 * ```ts
 * const key = await joseKey('ES256', 'ec-1', { use: 'sig' });
 * ```
 */
export async function joseKey(alg: JoseAlgorithm, kid: string, extra: Partial<jose.JWK> = {}): Promise<JoseKey> {
  // On Node, jose's KeyLike is a node:crypto KeyObject.
  const pair = await jose.generateKeyPair(alg, { extractable: true });
  const privateKey = pair.privateKey as KeyObject;
  const publicKey = pair.publicKey as KeyObject;
  const jwk: jose.JWK = { ...(await jose.exportJWK(publicKey)), kid, ...extra };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** A JSON Web Key Set of the keys' public JWKs. */
export function keySet(...keys: readonly JoseKey[]): { keys: jose.JWK[] } {
  return { keys: keys.map((key) => key.jwk) };
}

/** Options of {@link joseToken}. */
export interface JoseTokenOptions {
  /** The claims. Default: {@link claims}. */
  readonly payload?: Record<string, unknown>;
  /** The `kid` header; `null` leaves it out. Default: the key's `kid`. */
  readonly kid?: string | null;
  /** The `alg` header. Default: the key's algorithm. */
  readonly alg?: string;
}

/**
 * Signs a token with jose's SignJWT.
 *
 * @example
 * ```ts
 * const token = await joseToken(key, { payload: claims({ aud: 'api' }) });
 * ```
 */
export function joseToken(key: JoseKey, options: JoseTokenOptions = {}): Promise<string> {
  const kid = options.kid === undefined ? key.kid : options.kid;
  const header: jose.JWTHeaderParameters = { alg: options.alg ?? key.alg, typ: 'JWT', ...(kid === null ? {} : { kid }) };
  return new jose.SignJWT((options.payload ?? claims()) as jose.JWTPayload).setProtectedHeader(header).sign(key.privateKey);
}
