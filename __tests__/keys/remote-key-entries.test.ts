import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { importPublicJwk, isSigningJwk } from '../../lib/keys/import-jwk';
import { KeySetFetchError } from '../../lib/keys/key-set-fetch-error';
import { remoteKeyEntries } from '../../lib/keys/remote-key-entries';
import { joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith, remoteApp } from '../helpers/remote-apps';

// What jwks-rsa's getSigningKeys filtered, now done here with node:crypto: signing keys only,
// RSA/EC/OKP with their public members, a key that does not import skipped, never fatal.

const JWKS_URI = 'https://idp.example.com/jwks.json';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

/** The JWK of a key (public or private, as the key is), with extra members. */
const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...key.export({ format: 'jwk' }), ...extra });
const publicJwk = jwkOf;
const privateJwk = jwkOf;
const spki = (key: KeyObject): string => key.export({ type: 'spki', format: 'der' }).toString('base64');

/** The kids of the entries read from `keys`, for RS256, ES256 and EdDSA backends. */
function kidsOf(keys: unknown[]): (string | undefined)[] {
  return remoteKeyEntries({ keys }, JWKS_URI, ['RS256', 'ES256', 'EdDSA'], false).map((entry) => entry.kid);
}

describe('remoteKeyEntries', () => {
  describe('when the keys are signing keys', () => {
    it('imports RSA, EC and OKP keys as public keys, with their kid', () => {
      const entries = remoteKeyEntries(
        { keys: [publicJwk(rsa.publicKey, { kid: 'r' }), publicJwk(ec.publicKey, { kid: 'e' }), publicJwk(ed.publicKey, { kid: 'o' })] },
        JWKS_URI,
        ['RS256', 'ES256', 'EdDSA'],
        false,
      );
      expect(entries.map((entry) => [entry.kid, entry.key.type, [...entry.algorithms]])).toEqual([
        ['r', 'public', ['RS256']],
        ['e', 'public', ['ES256']],
        ['o', 'public', ['EdDSA']],
      ]);
      expect(entries.map((entry) => spki(entry.key))).toEqual([rsa.publicKey, ec.publicKey, ed.publicKey].map(spki));
    });

    it('keeps a key without kid (or with an empty one) with no kid', () => {
      expect(kidsOf([publicJwk(rsa.publicKey), publicJwk(ec.publicKey, { kid: '' })])).toEqual([undefined, undefined]);
    });

    it('uses a key whose use is "sig" or whose key_ops include "verify"', () => {
      expect(kidsOf([publicJwk(rsa.publicKey, { kid: 'a', use: 'sig' }), publicJwk(ec.publicKey, { kid: 'b', key_ops: ['verify'] })])).toEqual(['a', 'b']);
    });

    it('narrows a key to the algorithm its alg member names', () => {
      const [entry] = remoteKeyEntries({ keys: [publicJwk(rsa.publicKey, { kid: 'r', alg: 'PS256' })] }, JWKS_URI, ['RS256', 'PS256'], false);
      expect([...entry.algorithms]).toEqual(['PS256']);
    });
  });

  describe('when a JWK holds private members', () => {
    it('imports only the public key of a private RSA, EC or OKP JWK', () => {
      const entries = remoteKeyEntries(
        { keys: [privateJwk(rsa.privateKey, { kid: 'r' }), privateJwk(ec.privateKey, { kid: 'e' }), privateJwk(ed.privateKey, { kid: 'o' })] },
        JWKS_URI,
        ['RS256', 'ES256', 'EdDSA'],
        false,
      );
      expect(entries.map((entry) => entry.key.type)).toEqual(['public', 'public', 'public']);
      expect(entries.map((entry) => spki(entry.key))).toEqual([rsa.publicKey, ec.publicKey, ed.publicKey].map(spki));
    });

    // jwks-rsa copied the whole JWK (reading every member) and skipped keys that imported as private.
    it('never reads d, p, q, dp, dq, qi, oth or k', () => {
      const read: string[] = [];
      const jwk = publicJwk(rsa.publicKey, { kid: 'r' });
      for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
        Object.defineProperty(jwk, name, { enumerable: true, get: () => { read.push(name); return 'AQAB'; } });
      }
      expect(kidsOf([jwk])).toEqual(['r']);
      expect(read).toEqual([]);
    });
  });

  describe('when a JWK is not a signing key', () => {
    it.each([
      ['use "enc"', { use: 'enc' }],
      ['an unknown use', { use: 'other' }],
      ['key_ops without "verify"', { key_ops: ['encrypt', 'wrapKey'] }],
      ['key_ops of "sign" only (a private-key operation)', { key_ops: ['sign'] }],
      ['an empty key_ops', { key_ops: [] }],
      ['key_ops that is not an array', { key_ops: 'verify' }],
    ])('skips a key with %s, keeping the others', (_what, extra) => {
      expect(kidsOf([publicJwk(rsa.publicKey, { kid: 'skipped', ...extra }), publicJwk(ec.publicKey, { kid: 'kept' })])).toEqual(['kept']);
    });
  });

  describe('when a JWK does not import', () => {
    const { n, e } = publicJwk(rsa.publicKey) as { n: string; e: string };
    const { crv, x, y } = publicJwk(ec.publicKey) as { crv: string; x: string; y: string };
    it.each([
      ['an "oct" secret', { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url') }],
      ['an unknown kty', { kty: 'XYZ', n, e }],
      ['no kty', { n, e }],
      ['an RSA key without n', { kty: 'RSA', e }],
      ['an RSA key whose e is a number', { kty: 'RSA', n, e: 65537 }],
      ['an RSA key with a broken modulus', { kty: 'RSA', n: 'AQAB', e: 'x' }],
      ['an EC key without y', { kty: 'EC', crv, x }],
      ['an EC key on an unknown curve', { kty: 'EC', crv: 'P-192', x, y }],
      ['an OKP key without x', { kty: 'OKP', crv: 'Ed25519' }],
    ])('skips %s, keeping the others', (_what, jwk) => {
      expect(kidsOf([{ ...jwk, kid: 'skipped' }, publicJwk(ed.publicKey, { kid: 'kept' })])).toEqual(['kept']);
    });

    it.each([['null', null], ['a string', 'rsa'], ['a number', 1], ['an array', [1]]])('skips %s among the keys', (_what, jwk) => {
      expect(kidsOf([jwk, publicJwk(ed.publicKey, { kid: 'kept' })])).toEqual(['kept']);
    });
  });

  describe('when nothing usable is left', () => {
    it('throws KeySetFetchError no_usable_key with the allowed algorithms', () => {
      const error = captured(() => remoteKeyEntries({ keys: [publicJwk(ec.publicKey, { kid: 'e' })] }, JWKS_URI, ['RS256', 'PS256'], false));
      expect(error).toMatchObject({ reason: 'no_usable_key', url: JWKS_URI, algorithms: ['RS256', 'PS256'], isConfigurationFault: true });
    });

    it('throws no_usable_key for an empty set and for a set of encryption keys only', () => {
      expect(captured(() => remoteKeyEntries({ keys: [] }, JWKS_URI, ['RS256'], false)).reason).toBe('no_usable_key');
      expect(captured(() => remoteKeyEntries({ keys: [publicJwk(rsa.publicKey, { use: 'enc' })] }, JWKS_URI, ['RS256'], false)).reason).toBe('no_usable_key');
    });
  });

  describe('when the document is not a key set', () => {
    it.each([
      ['null', null], ['an array', []], ['a string', 'keys'], ['an object without keys', { issuer: 'x' }],
      ['keys as an object', { keys: { a: {} } }], ['keys as a string', { keys: 'rsa' }], ['keys inherited, not own', Object.create({ keys: [] })],
    ])('throws KeySetFetchError invalid_document for %s', (_what, document) => {
      expect(captured(() => remoteKeyEntries(document, JWKS_URI, ['RS256'], false))).toMatchObject({ reason: 'invalid_document', isConfigurationFault: false });
    });
  });
});

describe('isSigningJwk and importPublicJwk', () => {
  it('accept a JWK without use nor key_ops', () => {
    const jwk = publicJwk(ed.publicKey);
    expect(isSigningJwk(jwk)).toBe(true);
    expect(spki(importPublicJwk(jwk))).toBe(spki(ed.publicKey));
  });

  it('import a public key from the public members of a private JWK', () => {
    expect(importPublicJwk(privateJwk(ec.privateKey)).type).toBe('public');
  });
});

describe('JWTAuthenticationBackend with a remote key set of mixed keys', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(() => jwks.close());

  it('accepts a token of the signing key and refuses one of a key whose key_ops exclude verify with unknown_key', async () => {
    const [signing, wrapping] = await Promise.all([joseKey('RS256', 'sig-1', { key_ops: ['verify'] }), joseKey('RS256', 'wrap-1', { key_ops: ['wrapKey'] })]);
    jwks.state.document = { keys: [{ kty: 'oct', kid: 'hmac', k: Buffer.alloc(32, 1).toString('base64url') }, ...keySet(wrapping, signing).keys] };
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expect((await probeWith(target, await joseToken(signing))).status).toBe(200);
    expectInvalidToken(await probeWith(target, await joseToken(wrapping)), target.probe, 'unknown_key');
    expect(jwks.count()).toBe(1);
  });
});

function captured(run: () => unknown): KeySetFetchError {
  try {
    run();
  } catch (err) {
    if (err instanceof KeySetFetchError) return err;
    throw err;
  }
  throw new Error('expected a KeySetFetchError');
}
