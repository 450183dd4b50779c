import { isUtf8 } from 'node:buffer';
import { createPublicKey, X509Certificate } from 'node:crypto';

// An OpenSSH public key line (`authorized_keys`, `id_*.pub`): the key type, then its wire blob
// (RFC 4253 §6.6) in base64, which starts with the 4-byte length of the type name, "AAAA".
const OPENSSH = /^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+AAAA[A-Za-z0-9+/]/;
// RFC 4716: the SSH2 public key file (PuTTY), armoured with four dashes, which the PEM check misses.
const SSH2 = /^---- BEGIN SSH2 PUBLIC KEY ----/;
/** PEM armour (RFC 7468), anywhere in a text. */
export const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const SECRET_JWK = 'secret JWK';

/** The DER encoding `bytes` parse as, if they are a public key or a certificate. */
function derEncoding(bytes: Buffer): string | undefined {
  // Every one of them is an ASN.1 SEQUENCE (tag 0x30): anything else is not worth parsing.
  if (bytes.length < 2 || bytes[0] !== 0x30) return undefined;
  const forms = [['spki', 'DER SubjectPublicKeyInfo'], ['pkcs1', 'DER PKCS#1 RSA key']] as const;
  for (const [type, name] of forms) {
    try {
      createPublicKey({ key: bytes, format: 'der', type });
      return name;
    } catch {
      // Not this form; try the next.
    }
  }
  try {
    new X509Certificate(bytes);
    return 'DER X.509 certificate';
  } catch {
    return undefined;
  }
}

function jwkEncoding(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const hasKty = (item: unknown): boolean => typeof item === 'object' && item !== null && Object.hasOwn(item, 'kty');
  if (hasKty(value)) return (value as { kty: unknown }).kty === 'oct' ? SECRET_JWK : 'JWK text';
  const { keys } = value as { keys?: unknown };
  return Array.isArray(keys) && keys.some(hasKty) ? 'JWK Set text' : undefined;
}

/** What a text is, read as it stands: an OpenSSH or SSH2 public key line, or JWK text. */
function textEncoding(text: string): string | undefined {
  if (OPENSSH.test(text)) return 'OpenSSH public key';
  if (SSH2.test(text)) return 'SSH2 public key file';
  return jwkEncoding(text);
}

/**
 * What a text encodes in hex, base64 or base64url (whitespace aside): DER, or the text of a
 * PEM, OpenSSH or JWK key (a Kubernetes secret holds a PEM file in base64).
 */
function encodedKey(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  // Node's base64 decoder reads the base64url alphabet too.
  const decodings = [['hex', HEX], ['base64', BASE64]] as const;
  for (const [name, pattern] of decodings) {
    if (!pattern.test(compact)) continue;
    const bytes = Buffer.from(compact, name);
    const inner = derEncoding(bytes) ?? (isUtf8(bytes) ? decodedText(bytes.toString('utf8').trim()) : undefined);
    if (inner !== undefined) return `${inner} in ${name}`;
  }
  return undefined;
}

function decodedText(text: string): string | undefined {
  if (PEM.test(text)) return 'PEM text';
  const encoding = textEncoding(text);
  // A secret JWK is not a public key: its text in base64 is not worth a message of its own.
  return encoding === SECRET_JWK ? undefined : encoding;
}

function publicKeyEncoding(bytes: Buffer): string | undefined {
  const der = derEncoding(bytes);
  if (der !== undefined) return der;
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8').trim();
  return textEncoding(text) ?? encodedKey(text);
}

/**
 * Says why `bytes`, given as an HMAC secret, are not one, or returns `undefined` when they may
 * be (a random secret, a passphrase). A public key as the HMAC secret lets anyone who has it
 * sign HS* tokens (the RS256→HS256 confusion attack), so every common encoding of one is
 * recognised: DER SubjectPublicKeyInfo, DER PKCS#1 and DER X.509 certificates, as bytes or as
 * base64, base64url or hex text (a Keycloak realm key, a JWK's `x5c` entry); JWK and JWK Set
 * JSON text; OpenSSH and RFC 4716 SSH2 public key lines; and the text of any of these, or of a
 * PEM file, in base64 or hex. PEM itself is checked separately. It parses, so it runs at
 * construction only, never per request.
 *
 * @example
 * ```ts
 * describeNonSecret(publicKey.export({ type: 'spki', format: 'der' })); // 'looks like a public key (DER SubjectPublicKeyInfo), and ...'
 * describeNonSecret(randomBytes(32));                                  // undefined
 * ```
 */
export function describeNonSecret(bytes: Buffer): string | undefined {
  const encoding = publicKeyEncoding(bytes);
  if (encoding === undefined) return undefined;
  if (encoding === SECRET_JWK) return 'is a JWK as JSON text; HMAC needs the secret itself: pass Buffer.from(jwk.k, \'base64url\')';
  return `looks like a public key (${encoding}), and HMAC algorithms need a secret: anyone holding the public key could sign HS* tokens. Use an RS/PS/ES/EdDSA "algorithm" with this key, or a random secret for HS*`;
}
