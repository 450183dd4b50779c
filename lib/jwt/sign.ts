import { type KeyObject, randomUUID, sign as cryptoSign } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { TokenPayload } from '../credentials';
import { type Algorithm, isEdwards } from '../keys/algorithms';
import { clockSeconds } from './times';

/** What a signer needs, validated by the backend. */
export interface SignerSettings {
  /** The HMAC secret, or the private key of an asymmetric algorithm. */
  readonly key: KeyObject;
  readonly algorithm: Algorithm;
  /** The `kid` header of issued tokens; none when `undefined`. */
  readonly kid?: string;
  /** The `typ` header of issued tokens. Default: `JWT`. */
  readonly type?: string;
  /** Set as `iss` when the backend accepts exactly one issuer. */
  readonly issuer?: string;
  /** Set as `aud`: the backend's single audience string and/or its RFC 8707 resource. */
  readonly audience?: string | readonly string[];
  /** Lifetime of a token when the caller gives none, in seconds. */
  readonly expiresIn: number;
  /** Milliseconds since the epoch, like `Date.now`. */
  readonly clock: () => number;
  /** Whether RSA keys under 2048 bits may sign (the backend's `allowWeakKeys`). */
  readonly allowWeakKeys: boolean;
}

/** A token just issued, with what a token response needs to say about it. */
export interface IssuedToken {
  readonly token: string;
  readonly payload: TokenPayload;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/** Signs claims into a compact JWS. */
export type JwtSigner = (claims: Readonly<Record<string, unknown>>, expiresIn?: number) => IssuedToken;

// The claims a signer always sets itself: letting callers pass them would let a typo make a
// token that never expires, or reuse a `jti` that revocation lists rely on being unique.
const RESERVED = ['iat', 'exp', 'jti'] as const;

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function signPayload(payload: Record<string, unknown>, settings: SignerSettings): string {
  const { key, algorithm, kid, allowWeakKeys, type = 'JWT' } = settings;
  const header = { alg: algorithm, typ: type, ...(kid === undefined ? {} : { kid }) };
  if (!isEdwards(algorithm)) {
    return jsonwebtoken.sign(payload, key, { algorithm, allowInsecureKeySizes: allowWeakKeys, header });
  }
  // jsonwebtoken cannot sign EdDSA nor Ed25519 (RFC 9864, the same signature): RFC 8037 §3.1,
  // the signature over the ASCII signing input.
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
}

/**
 * Builds the signer of a backend. Every token gets `iat`, `exp` and a random `jti`, and the
 * backend's single `iss`/`aud`, so what a backend issues it also accepts; `kid` goes into the
 * header when the backend has one. A `sub`, if given, must be a non-empty string and an `iss` a
 * string (else `TypeError`); claims without `sub` are fine.
 *
 * @example
 * ```ts
 * const sign = createJwtSigner({ key, algorithm: 'HS256', expiresIn: 3600, clock: Date.now });
 * const { token } = sign({ sub: 'alice' });
 * ```
 */
export function createJwtSigner(settings: SignerSettings): JwtSigner {
  const { issuer, audience, clock } = settings;
  return function signJwt(claims, expiresIn = settings.expiresIn) {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new TypeError('createToken: "claims" must be an object of claims, e.g. { sub: user.id }.');
    }
    const reserved = RESERVED.find((name) => claims[name] !== undefined);
    if (reserved !== undefined) {
      throw new TypeError(`createToken: "${reserved}" is set by createToken itself; use the "expiresIn" option for the lifetime.`);
    }
    // RFC 7519 §4.1.1-4.1.2 (StringOrURI), as the verifier checks them: a `sub` of '' would
    // authenticate a user with no identity, a number would be refused by every backend here.
    if (claims.sub !== undefined && (typeof claims.sub !== 'string' || claims.sub === '')) {
      throw new TypeError('createToken: "sub" must be a non-empty string (the user\'s id, e.g. String(user.id)), or left out.');
    }
    if (claims.iss !== undefined && typeof claims.iss !== 'string') throw new TypeError('createToken: "iss" must be a string.');
    if (!Number.isInteger(expiresIn) || expiresIn < 1) {
      throw new TypeError('createToken: "expiresIn" must be a whole number of seconds, at least 1.');
    }
    const iat = clockSeconds(clock);
    const payload: Record<string, unknown> = {
      ...claims,
      ...(issuer === undefined ? {} : { iss: issuer }),
      ...(audience === undefined ? {} : { aud: audience }),
      iat,
      exp: iat + expiresIn,
      jti: randomUUID(),
    };
    return { token: signPayload(payload, settings), payload: Object.freeze(payload), expiresIn };
  };
}
