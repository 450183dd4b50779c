import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { type Algorithm, hashOf, keyFamily, requiredCurve } from './algorithms';
import { describeNonSecret, PEM } from './public-key-encodings';

/**
 * Key material for verifying: an HMAC secret, or a public key as PEM or `KeyObject`.
 *
 * @example
 * ```ts
 * const secretKey: KeyInput = fs.readFileSync('public.pem');
 * ```
 */
export type KeyInput = string | Buffer | KeyObject;

/**
 * Key material for signing: a private key as PEM or `KeyObject`.
 *
 * @example
 * ```ts
 * const signingKey: SigningKeyInput = crypto.createPrivateKey(fs.readFileSync('private.pem'));
 * ```
 */
export type SigningKeyInput = string | Buffer | KeyObject;

/** The smallest RSA modulus accepted without `allowWeakKeys` (RFC 7518 §3.3), in bits. */
export const MIN_RSA_BITS = 2048;

/** Whether a value is a Node `KeyObject`. */
export function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && typeof (value as KeyObject).type === 'string'
    && typeof (value as KeyObject).export === 'function';
}

function checkSecret(owner: string, bytes: Buffer): void {
  // A PEM given as an HMAC secret is the setting of the RS256→HS256 confusion attack.
  if (PEM.test(bytes.toString('latin1'))) {
    throw new TypeError(`${owner}: "secretKey" looks like a PEM key; use an RS/PS/ES/EdDSA "algorithm" with it, or a plain secret for HS*.`);
  }
  if (bytes.length === 0) throw new TypeError(`${owner}: "secretKey" must not be empty.`);
  // The same attack with the public key in any other encoding (DER, base64, JWK, OpenSSH).
  const reason = describeNonSecret(bytes);
  if (reason !== undefined) throw new TypeError(`${owner}: "secretKey" ${reason}.`);
}

function secretKey(owner: string, key: KeyInput): KeyObject {
  if (isKeyObject(key)) {
    if (key.type !== 'secret') throw new TypeError(`${owner}: HMAC algorithms need a secret key, not a ${key.type} key.`);
    // A secret KeyObject made from a public key's bytes is the same mistake.
    checkSecret(owner, key.export());
    return key;
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  checkSecret(owner, bytes);
  return createSecretKey(bytes);
}

function publicKey(owner: string, key: KeyInput): KeyObject {
  if (isKeyObject(key)) {
    if (key.type === 'secret') throw new TypeError(`${owner}: RS/PS/ES/EdDSA algorithms need a public key, not a secret key.`);
    return key.type === 'private' ? createPublicKey(key) : key;
  }
  try {
    return createPublicKey(key);
  } catch (cause) {
    throw new TypeError(`${owner}: "secretKey" is not a PEM public key, certificate or private key, as RS/PS/ES/EdDSA algorithms need.`, { cause });
  }
}

/**
 * Says why `key` cannot verify `algorithm`, or `undefined` when it can: the key type and curve
 * must fit (an RSA-PSS key must also use the algorithm's hash), and unless `allowWeakKeys`, an
 * RSA modulus must have at least 2048 bits and an HMAC secret at least as many bytes as the
 * hash output (RFC 7518 §3.2, §3.3).
 *
 * @example
 * ```ts
 * describeMisfit(rsaPublicKey, 'ES256', false); // 'ES256 needs an EC key on curve prime256v1'
 * ```
 */
export function describeMisfit(key: KeyObject, algorithm: Algorithm, allowWeakKeys: boolean): string | undefined {
  const family = keyFamily(algorithm);
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (family === 'hmac') {
    if (key.type !== 'secret') return `${algorithm} needs a secret key`;
    const minimum = Number(algorithm.slice(2)) / 8;
    if (!allowWeakKeys && (key.symmetricKeySize ?? 0) < minimum) {
      return `${algorithm} needs a secret of at least ${minimum} bytes (RFC 7518 §3.2); pass allowWeakKeys: true only for legacy systems`;
    }
    return undefined;
  }
  if (key.type !== 'public') return `${algorithm} needs a public key`;
  if (family === 'rsa') {
    if (type !== 'rsa' && !(type === 'rsa-pss' && algorithm.startsWith('PS'))) return `${algorithm} needs an RSA key, not ${String(type)}`;
    // An RSA-PSS key must be restricted to the algorithm's hash, for the signature and MGF1, with
    // a salt no longer than the hash (RFC 7518 §3.5), as jsonwebtoken requires too: PS* verifies with a salt of exactly that length.
    const hash = hashOf(algorithm);
    if (type === 'rsa-pss' && (details?.hashAlgorithm !== hash || details?.mgf1HashAlgorithm !== hash
      || (details?.saltLength !== undefined && details.saltLength > Number(algorithm.slice(2)) / 8))) {
      return `${algorithm} needs an RSA-PSS key restricted to ${String(hash)} (hash and MGF1) with a salt of at most ${Number(algorithm.slice(2)) / 8} bytes, or a plain RSA key`;
    }
    if (!allowWeakKeys && (details?.modulusLength ?? 0) < MIN_RSA_BITS) {
      return `${algorithm} needs an RSA key of at least ${MIN_RSA_BITS} bits; pass allowWeakKeys: true only for legacy systems`;
    }
    return undefined;
  }
  if (family === 'ec') {
    const curve = requiredCurve(algorithm);
    return type === 'ec' && details?.namedCurve === curve ? undefined : `${algorithm} needs an EC key on curve ${String(curve)}`;
  }
  // RFC 9864 §2.2: `Ed25519` names the curve as well; only `EdDSA` leaves it to the key.
  if (algorithm === 'Ed25519') return type === 'ed25519' ? undefined : `Ed25519 needs an Ed25519 key, not ${String(type)}`;
  return type === 'ed25519' || type === 'ed448' ? undefined : `EdDSA needs an Ed25519 or Ed448 key, not ${String(type)}`;
}

/**
 * Converts key material into a `KeyObject`: a secret for HMAC, else a public key (a private key
 * is reduced to its public half). Fit to an algorithm is checked separately.
 */
export function toKeyObject(owner: string, key: KeyInput, hmac: boolean): KeyObject {
  if (typeof key !== 'string' && !Buffer.isBuffer(key) && !isKeyObject(key)) {
    throw new TypeError(`${owner}: "secretKey" must be a string, a Buffer or a KeyObject.`);
  }
  return hmac ? secretKey(owner, key) : publicKey(owner, key);
}

/**
 * Turns key material into the `KeyObject` used for every verification, once, at construction:
 * `node:crypto` given a string or PEM parses it on every call (jsonwebtoken's string secrets cost about 300 µs), a
 * `KeyObject` not at all.
 * Throws a `TypeError` when the key does not fit every one of `algorithms`.
 *
 * @example
 * ```ts
 * const key = toVerificationKey('MyApp', process.env.JWT_SECRET!, ['HS256'], false);
 * ```
 */
export function toVerificationKey(owner: string, key: KeyInput, algorithms: readonly Algorithm[], allowWeakKeys: boolean): KeyObject {
  const object = toKeyObject(owner, key, keyFamily(algorithms[0]) === 'hmac');
  for (const algorithm of algorithms) {
    const misfit = describeMisfit(object, algorithm, allowWeakKeys);
    if (misfit !== undefined) throw new TypeError(`${owner}: ${misfit}.`);
  }
  return object;
}

/**
 * Throws a `TypeError` when `algorithms` mixes HMAC and asymmetric algorithms, which no one key
 * (or key set) can serve.
 */
export function checkOneKeyKind(owner: string, algorithms: readonly Algorithm[]): void {
  const families = new Set(algorithms.map(keyFamily));
  if (families.has('hmac') && families.size > 1) {
    throw new TypeError(`${owner}: "algorithms" mixes HMAC and asymmetric algorithms; one backend verifies with one kind of key.`);
  }
}

/**
 * Turns the `signingKey` of an asymmetric backend into a private `KeyObject`, once, and finds
 * the verification key it is the private half of, so that the backend accepts what it issues.
 * Returns the key and the index of its public half in `verificationKeys`.
 *
 * @example
 * ```ts
 * const { key, publicIndex } = toSigningKey('MyApp', fs.readFileSync('private.pem'), [publicKey]);
 * ```
 */
export function toSigningKey(
  owner: string,
  signingKey: SigningKeyInput,
  verificationKeys: readonly KeyObject[],
): { readonly key: KeyObject; readonly publicIndex: number } {
  let key: KeyObject;
  try {
    key = isKeyObject(signingKey) ? signingKey : createPrivateKey(signingKey);
  } catch (cause) {
    throw new TypeError(`${owner}: "signingKey" is not a PEM private key.`, { cause });
  }
  if (key.type !== 'private') throw new TypeError(`${owner}: "signingKey" must be a private key.`);
  const spki = (object: KeyObject): Buffer => object.export({ type: 'spki', format: 'der' });
  const own = spki(createPublicKey(key));
  const publicIndex = verificationKeys.findIndex((candidate) => candidate.type === 'public' && spki(candidate).equals(own));
  if (publicIndex === -1) throw new TypeError(`${owner}: "signingKey" is not the private half of a key in "secretKey".`);
  return { key, publicIndex };
}
