import { generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { type Algorithm, JWTAuthenticationBackend } from '../../lib';
import { describeNonSecret } from '../../lib/keys/public-key-encodings';
import { buildApp } from '../helpers/apps';
import { publicKeyEncodings, selfSignedCertificate } from '../helpers/public-key-encodings';
import { probeWith } from '../helpers/remote-apps';
import { claims, fixedClock, keys, signToken } from '../helpers/tokens';

// The RS256→HS256 confusion attack (RFC 8725 §2.1, §3.1): a backend that takes a public key as
// its HMAC secret accepts HS256 tokens from anyone who has the public key, and public keys are
// public. PEM was refused already; these are the other ways a public key gets pasted.

const ed25519 = generateKeyPairSync('ed25519');
const certificate = selfSignedCertificate(keys.rsa);

const PUBLIC_KEYS: ReadonlyArray<readonly [string, KeyObject]> = [
  ['RSA', keys.rsa.publicKey],
  ['P-256', keys.ec256.publicKey],
  ['P-384', keys.ec384.publicKey],
  ['Ed25519', ed25519.publicKey],
];

const PUBLIC_KEY_MESSAGE = /"secretKey" looks like a public key \(.+\), and HMAC algorithms need a secret/;

function construct(secretKey: string | Buffer | KeyObject, algorithm: Algorithm = 'HS256'): () => JWTAuthenticationBackend {
  return () => new JWTAuthenticationBackend({ secretKey, algorithm, clock: fixedClock });
}

describe('JWTAuthenticationBackend given a public key as its HMAC secret', () => {
  describe.each(PUBLIC_KEYS)('when the %s public key is given', (_name, publicKey) => {
    it.each(publicKeyEncodings(publicKey))('throws a TypeError at construction for %s', (_encoding, secretKey) => {
      expect(construct(secretKey)).toThrow(TypeError);
      expect(construct(secretKey)).toThrow(PUBLIC_KEY_MESSAGE);
    });
  });

  describe('when a certificate of the key is given', () => {
    it('uses a genuine certificate of the RSA key, which an RS256 backend accepts as its key', async () => {
      const parsed = new X509Certificate(certificate);
      expect(parsed.publicKey.export({ type: 'spki', format: 'der' })).toEqual(keys.rsa.publicKey.export({ type: 'spki', format: 'der' }));
      expect(parsed.verify(keys.rsa.publicKey)).toBe(true);
      const backend = new JWTAuthenticationBackend({ secretKey: parsed.toString(), algorithm: 'RS256', clock: fixedClock });
      const res = await probeWith(buildApp({ backend }), signToken(claims(), { key: keys.rsa.privateKey, algorithm: 'RS256' }));
      expect(res.status).toBe(200);
    });

    it.each([
      ['its x5c text (base64 DER of the certificate)', certificate.toString('base64')],
      ['base64url DER of the certificate', certificate.toString('base64url')],
      ['a DER certificate Buffer', certificate],
    ])('throws a TypeError at construction for %s', (_encoding, secretKey) => {
      expect(construct(secretKey)).toThrow(/"secretKey" looks like a public key \(DER X\.509 certificate.*\), and HMAC algorithms need a secret/);
    });
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)('throws a TypeError under %s, before the secret length is considered', (algorithm) => {
    expect(construct(ed25519.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), algorithm)).toThrow(PUBLIC_KEY_MESSAGE);
  });

  it('never puts the key, in any encoding, in the message', () => {
    for (const [, secretKey] of publicKeyEncodings(keys.rsa.publicKey)) {
      let message = '';
      try {
        construct(secretKey)();
      } catch (err) {
        message = (err as Error).message;
      }
      const jwk = keys.rsa.publicKey.export({ format: 'jwk' });
      expect(message).toMatch(PUBLIC_KEY_MESSAGE);
      expect(message).not.toContain(String(jwk.n).slice(0, 16));
      expect(message).not.toContain(keys.rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64').slice(20, 40));
    }
  });

  it('tells how to pass a secret JWK ("oct") given as JSON text: its decoded k', () => {
    const secretKey = JSON.stringify({ kty: 'oct', k: randomBytes(32).toString('base64url') });
    expect(construct(secretKey)).toThrow(/"secretKey" is a JWK as JSON text; HMAC needs the secret itself: pass Buffer\.from\(jwk\.k, 'base64url'\)/);
  });

  it('names the encoding it recognised', () => {
    const spki = keys.rsa.publicKey.export({ type: 'spki', format: 'der' });
    expect(describeNonSecret(spki)).toMatch(/\(DER SubjectPublicKeyInfo\)/);
    expect(describeNonSecret(Buffer.from(spki.toString('base64')))).toMatch(/\(DER SubjectPublicKeyInfo in base64\)/);
    expect(describeNonSecret(Buffer.from(spki.toString('hex')))).toMatch(/\(DER SubjectPublicKeyInfo in hex\)/);
    expect(describeNonSecret(keys.rsa.publicKey.export({ type: 'pkcs1', format: 'der' }))).toMatch(/\(DER PKCS#1 RSA key\)/);
    expect(describeNonSecret(certificate)).toMatch(/\(DER X\.509 certificate\)/);
    expect(describeNonSecret(Buffer.from(JSON.stringify(keys.ec256.publicKey.export({ format: 'jwk' }))))).toMatch(/\(JWK text\)/);
    expect(describeNonSecret(Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI alice@laptop'))).toMatch(/\(OpenSSH public key\)/);
    expect(describeNonSecret(Buffer.from(Buffer.from(new X509Certificate(certificate).toString()).toString('base64')))).toMatch(/\(PEM text in base64\)/);
    expect(describeNonSecret(Buffer.from('---- BEGIN SSH2 PUBLIC KEY ----\nComment: "alice"\nAAAAB3NzaC1yc2E=\n---- END SSH2 PUBLIC KEY ----\n'))).toMatch(/\(SSH2 public key file\)/);
  });
});

describe('JWTAuthenticationBackend given a random HMAC secret', () => {
  // A random secret must never be mistaken for a key: the parsers run on every candidate, so
  // many secrets in every text form prove they only recognise what really is one.
  const RANDOM_SECRETS = 500;

  it.each([
    ['a Buffer', (bytes: Buffer): string | Buffer => bytes],
    ['hex text', (bytes: Buffer): string | Buffer => bytes.toString('hex')],
    ['base64 text', (bytes: Buffer): string | Buffer => bytes.toString('base64')],
    ['base64url text', (bytes: Buffer): string | Buffer => bytes.toString('base64url')],
  ])(`accepts ${RANDOM_SECRETS} random secrets of 32 to 96 bytes given as %s`, (_form, encode) => {
    for (let i = 0; i < RANDOM_SECRETS; i++) {
      const secretKey = encode(randomBytes(32 + (i % 65)));
      expect(construct(secretKey)).not.toThrow();
    }
  });

  it(`accepts ${RANDOM_SECRETS} random secrets that start like a DER SEQUENCE of their own length, so the DER parsers really run`, () => {
    for (let i = 0; i < RANDOM_SECRETS; i++) {
      const bytes = randomBytes(32 + (i % 65));
      bytes[0] = 0x30;
      bytes[1] = bytes.length - 2;
      for (const secretKey of [bytes, bytes.toString('base64'), bytes.toString('hex')]) expect(construct(secretKey)).not.toThrow();
    }
  });

  it.each([
    ['a passphrase', 'correct horse battery staple and then some more words'],
    ['JSON text that is not a JWK', JSON.stringify({ secret: randomBytes(32).toString('base64') })],
    ['text that starts like an SSH key but is not one', `ssh-rsa is what we use elsewhere; this is ${randomBytes(16).toString('hex')}`],
  ])('accepts %s', (_case, secretKey) => {
    expect(construct(secretKey)).not.toThrow();
  });

  it('verifies with the bytes of a base64 secret as given, the text, not what it decodes to', async () => {
    const secretKey = randomBytes(48).toString('base64');
    const target = buildApp({ backend: new JWTAuthenticationBackend({ secretKey, clock: fixedClock }) });
    expect((await probeWith(target, signToken(claims(), { key: secretKey }))).status).toBe(200);
  });
});
