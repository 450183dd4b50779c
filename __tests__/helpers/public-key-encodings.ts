import { createSecretKey, type KeyObject, sign } from 'node:crypto';

// Builders of the encodings a public key travels in besides PEM, made with node:crypto alone,
// so the tests need no openssl or ssh-keygen: DER, a self-signed X.509 certificate, and the
// OpenSSH public key line.

/** One DER element: tag, definite length, contents (X.690 §8.1). */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const length = body.length < 0x80 ? Buffer.from([body.length])
    : body.length < 0x100 ? Buffer.from([0x81, body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...contents: Buffer[]): Buffer => der(0x30, ...contents);

/** `CN=<name>` as an X.501 Name. */
const commonName = (name: string): Buffer => sequence(der(0x31, sequence(der(0x06, Buffer.from('550403', 'hex')), der(0x0c, Buffer.from(name)))));

/**
 * A self-signed X.509 v3 certificate (RFC 5280 §4.1) for an RSA key pair, in DER, signed with
 * sha256WithRSAEncryption: what a JWK's `x5c` entry holds in base64.
 */
export function selfSignedCertificate(pair: { readonly publicKey: KeyObject; readonly privateKey: KeyObject }): Buffer {
  const algorithm = sequence(der(0x06, Buffer.from('2a864886f70d01010b', 'hex')), der(0x05));
  const validity = sequence(der(0x17, Buffer.from('260101000000Z')), der(0x17, Buffer.from('360101000000Z')));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    algorithm,
    commonName('idp.example'),
    validity,
    commonName('idp.example'),
    pair.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, pair.privateKey);
  return sequence(tbs, algorithm, der(0x03, Buffer.from([0]), signature));
}

/** An SSH wire string: a 4-byte big-endian length, then the bytes (RFC 4251 §5). */
function sshString(bytes: Buffer | string): Buffer {
  const value = Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return Buffer.concat([length, value]);
}

/** An SSH mpint from unsigned big-endian bytes: no leading zeros, a zero byte before a high bit. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return sshString((trimmed[0] & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** The OpenSSH public key line (`id_*.pub`, `authorized_keys`) of an RSA, P-256 or Ed25519 key. */
export function opensshPublicKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const bytes = (value: string | undefined): Buffer => Buffer.from(value as string, 'base64url');
  let type: string;
  let blob: Buffer;
  if (jwk.kty === 'RSA') {
    type = 'ssh-rsa';
    blob = Buffer.concat([sshString(type), sshMpint(bytes(jwk.e)), sshMpint(bytes(jwk.n))]);
  } else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    type = 'ssh-ed25519';
    blob = Buffer.concat([sshString(type), sshString(bytes(jwk.x))]);
  } else if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    type = 'ecdsa-sha2-nistp256';
    blob = Buffer.concat([sshString(type), sshString('nistp256'), sshString(Buffer.concat([Buffer.from([4]), bytes(jwk.x), bytes(jwk.y)]))]);
  } else {
    throw new Error(`no OpenSSH encoding here for a ${jwk.kty} key`);
  }
  return `${type} ${blob.toString('base64')} alice@laptop`;
}

/** `text` wrapped at `width` columns, as a PEM body is. */
const wrapped = (text: string, width = 64): string => text.replace(new RegExp(`(.{${width}})`, 'g'), '$1\n');

/**
 * Every non-PEM encoding of `publicKey` someone might paste as an HMAC secret, by name. RSA keys
 * also get PKCS#1 forms; certificates are given separately (see {@link selfSignedCertificate}).
 */
export function publicKeyEncodings(publicKey: KeyObject): ReadonlyArray<readonly [string, string | Buffer | KeyObject]> {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const jwk = publicKey.export({ format: 'jwk' });
  const encodings: Array<readonly [string, string | Buffer | KeyObject]> = [
    ['JWK JSON text', JSON.stringify(jwk)],
    ['JWK JSON text as an identity provider publishes it (kid, use, alg)', JSON.stringify({ kid: 'k1', use: 'sig', alg: 'RS256', ...jwk }, null, 2)],
    ['JWK Set JSON text', JSON.stringify({ keys: [{ kid: 'k1', ...jwk }] })],
    ['JWK JSON text in a Buffer', Buffer.from(JSON.stringify(jwk))],
    ['bare base64 SPKI DER, as Keycloak shows a realm key', spki.toString('base64')],
    ['base64url SPKI DER', spki.toString('base64url')],
    ['base64 SPKI DER wrapped at 64 columns (a PEM body without its armour)', wrapped(spki.toString('base64'))],
    ['base64 SPKI DER with surrounding blanks, as read from a file', `  ${spki.toString('base64')}\n`],
    ['hex SPKI DER', spki.toString('hex')],
    ['an SPKI DER Buffer', spki],
    ['base64 SPKI DER text in a Buffer', Buffer.from(spki.toString('base64'))],
    ['a secret KeyObject made from the SPKI DER', createSecretKey(spki)],
    ['base64 of the PEM text, as a Kubernetes secret holds it', Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })).toString('base64')],
    ['base64url of the JWK JSON text', Buffer.from(JSON.stringify(jwk)).toString('base64url')],
  ];
  if (jwk.kty === 'RSA' || jwk.crv === 'P-256' || jwk.crv === 'Ed25519') {
    const line = opensshPublicKey(publicKey);
    encodings.push(
      ['an OpenSSH public key line', line],
      ['an OpenSSH public key line read from a .pub file (a Buffer)', Buffer.from(`${line}\n`)],
      ['base64 of an OpenSSH public key line', Buffer.from(line).toString('base64')],
    );
  }
  if (jwk.kty === 'RSA') {
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'der' });
    encodings.push(['a PKCS#1 DER Buffer', pkcs1], ['bare base64 PKCS#1 DER', pkcs1.toString('base64')]);
  }
  return encodings;
}
