import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { type Algorithm, keyFamily, requiredCurve } from './algorithms';

/** Key material a backend accepts: an HMAC secret, or a public key as PEM or `KeyObject`. */
export type KeyInput = string | Buffer | KeyObject;

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && typeof (value as KeyObject).type === 'string'
    && typeof (value as KeyObject).export === 'function';
}

function secretKey(owner: string, key: KeyInput): KeyObject {
  if (isKeyObject(key)) {
    if (key.type !== 'secret') throw new TypeError(`${owner}: HMAC algorithms need a secret key, not a ${key.type} key.`);
    return key;
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // A PEM given as an HMAC secret is the setting of the RS256→HS256 confusion attack.
  if (PEM.test(bytes.toString('latin1'))) {
    throw new TypeError(`${owner}: "secretKey" looks like a PEM key; use an RS/PS/ES "algorithm" with it, or a plain secret for HS*.`);
  }
  if (bytes.length === 0) throw new TypeError(`${owner}: "secretKey" must not be empty.`);
  return createSecretKey(bytes);
}

function publicKey(owner: string, key: KeyInput): KeyObject {
  if (isKeyObject(key)) {
    if (key.type === 'secret') throw new TypeError(`${owner}: RS/PS/ES algorithms need a public key, not a secret key.`);
    return key.type === 'private' ? createPublicKey(key) : key;
  }
  try {
    return createPublicKey(key);
  } catch (cause) {
    throw new TypeError(`${owner}: "secretKey" is not a PEM public key, certificate or private key, as RS/PS/ES algorithms need.`, { cause });
  }
}

function checkFits(owner: string, key: KeyObject, algorithm: Algorithm): void {
  const family = keyFamily(algorithm);
  if (family === 'hmac') return;
  const type = key.asymmetricKeyType;
  if (family === 'rsa' && type !== 'rsa' && !(type === 'rsa-pss' && algorithm.startsWith('PS'))) {
    throw new TypeError(`${owner}: ${algorithm} needs an RSA key, but "secretKey" is a ${String(type)} key.`);
  }
  if (family === 'ec') {
    const curve = requiredCurve(algorithm);
    if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve) {
      throw new TypeError(`${owner}: ${algorithm} needs an EC key on curve ${String(curve)}.`);
    }
  }
}

/**
 * Turns key material into the `KeyObject` used for every verification, once, at construction:
 * jsonwebtoken re-parses a string secret on every call (about 300 µs), a `KeyObject` not at all.
 * Throws a `TypeError` when the key does not fit every one of `algorithms`.
 *
 * @example
 * ```ts
 * const key = toVerificationKey('MyApp', process.env.JWT_SECRET!, ['HS256']);
 * ```
 */
export function toVerificationKey(owner: string, key: KeyInput, algorithms: readonly Algorithm[]): KeyObject {
  if (typeof key !== 'string' && !Buffer.isBuffer(key) && !isKeyObject(key)) {
    throw new TypeError(`${owner}: "secretKey" must be a string, a Buffer or a KeyObject.`);
  }
  const families = new Set(algorithms.map(keyFamily));
  if (families.has('hmac') && families.size > 1) {
    throw new TypeError(`${owner}: "algorithms" mixes HMAC and asymmetric algorithms; one backend verifies with one kind of key.`);
  }
  const object = families.has('hmac') ? secretKey(owner, key) : publicKey(owner, key);
  for (const algorithm of algorithms) checkFits(owner, object, algorithm);
  return object;
}

/** Key material for signing: a private key as PEM or `KeyObject`. */
export type SigningKeyInput = string | Buffer | KeyObject;

/**
 * Turns the `signingKey` of an asymmetric backend into a private `KeyObject`, once, and checks
 * that it is the private half of the verification key, so that the backend accepts what it issues.
 *
 * @example
 * ```ts
 * const privateKey = toSigningKey('MyApp', fs.readFileSync('private.pem'), publicKey);
 * ```
 */
export function toSigningKey(owner: string, signingKey: SigningKeyInput, verificationKey: KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = isKeyObject(signingKey) ? signingKey : createPrivateKey(signingKey);
  } catch (cause) {
    throw new TypeError(`${owner}: "signingKey" is not a PEM private key.`, { cause });
  }
  if (key.type !== 'private') throw new TypeError(`${owner}: "signingKey" must be a private key.`);
  const spki = (object: KeyObject): Buffer => object.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(verificationKey))) {
    throw new TypeError(`${owner}: "signingKey" is not the private half of "secretKey".`);
  }
  return key;
}
