import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import request from 'supertest';
import type { Algorithm, JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import {
  derEcdsaToken, ECDSA_COMPONENT_BYTES, ecdsaTokenWith, groupOrderToken, hmacSigned, nonCanonicalSignatures, psychicToken,
  signedToken, signingInput,
} from '../helpers/hostile-tokens';
import { expectTokenRefused } from '../helpers/security-backends';
import { claims, keys, pem, SECRET } from '../helpers/tokens';

// RFC 8725 §3.1-3.4 and RFC 7518 §3.4: the signature is checked in exactly one encoding with
// exactly the configured key; header parameters never choose or supply a key; a kid is a name.

const ed25519 = generateKeyPairSync('ed25519');
const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP';

type EcdsaAlgorithm = 'ES256' | 'ES384' | 'ES512';
const ECDSA: readonly (readonly [EcdsaAlgorithm, { publicKey: KeyObject; privateKey: KeyObject }])[] = [
  ['ES256', keys.ec256], ['ES384', keys.ec384], ['ES512', keys.ec521],
];

/** JWS algorithm → [verification key for the backend, signing key]. */
const SIGNERS: readonly (readonly [Algorithm, string | KeyObject, string | KeyObject])[] = [
  ['HS256', SECRET, SECRET],
  ['RS256', pem(keys.rsa.publicKey), keys.rsa.privateKey],
  ['PS256', pem(keys.rsa.publicKey), keys.rsa.privateKey],
  ['ES256', pem(keys.ec256.publicKey), keys.ec256.privateKey],
  ['ES512', pem(keys.ec521.publicKey), keys.ec521.privateKey],
  ['EdDSA', ed25519.publicKey, ed25519.privateKey],
];

/** Kids an attacker tries as paths, queries, URLs and property names. */
const HOSTILE_KIDS = ['../../etc/passwd', '\' OR 1=1 --', '"; DROP TABLE keys; --', '$(id)', 'http://127.0.0.1:1/key', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];

describe.each(EXPRESS_VERSIONS)('RFC 8725 signatures and keys on %s', (_version, expressFactory) => {
  async function send(options: Partial<JWTAuthenticationBackendOptions>, token: string): Promise<{ res: request.Response; probe: ReturnType<typeof buildApp>['probe'] }> {
    const { app, probe } = buildApp({ expressFactory, backend: jwtBackend(options) });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${token}`);
    return { res, probe };
  }

  describe.each(ECDSA)('%s signatures (RFC 7518 §3.4: JOSE R || S, never DER)', (algorithm, pair) => {
    const backend = { secretKey: pem(pair.publicKey), algorithm };
    const width = ECDSA_COMPONENT_BYTES[algorithm];
    const joseSignature = (): { input: string; signature: Buffer } => {
      const input = signingInput({ alg: algorithm, typ: 'JWT' }, claims());
      return { input, signature: sign(`sha${algorithm.slice(2)}`, Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' }) };
    };

    it('accepts a fixed-width R || S signature made by node:crypto', async () => {
      const { input, signature } = joseSignature();
      expect(signature).toHaveLength(2 * width);
      expect((await send(backend, `${input}.${signature.toString('base64url')}`)).res.status).toBe(200);
    });

    it('refuses a DER-encoded signature of the same message with bad_signature', async () => {
      const token = derEcdsaToken(algorithm, pair.privateKey, claims());
      expect(Buffer.from(token.split('.')[2], 'base64url')[0]).toBe(0x30); // an ASN.1 SEQUENCE
      const { res, probe } = await send(backend, token);
      expectTokenRefused(res, probe, 'bad_signature');
    });

    it('refuses the all-zero signature R = S = 0 (CVE-2022-21449) with bad_signature', async () => {
      const { res, probe } = await send(backend, psychicToken(algorithm, claims()));
      expectTokenRefused(res, probe, 'bad_signature');
    });

    it('refuses R = S = n, the group order, with bad_signature', async () => {
      const { res, probe } = await send(backend, groupOrderToken(algorithm, claims()));
      expectTokenRefused(res, probe, 'bad_signature');
    });

    it('refuses a genuine S with R = 0 with bad_signature', async () => {
      const { signature } = joseSignature();
      const { res, probe } = await send(backend, ecdsaTokenWith(algorithm, Buffer.alloc(width), signature.subarray(width), claims()));
      expectTokenRefused(res, probe, 'bad_signature');
    });

    it.each([
      ['one byte short', (signature: Buffer) => signature.subarray(0, -1)],
      ['one zero byte longer', (signature: Buffer) => Buffer.concat([signature, Buffer.alloc(1)])],
      ['empty but for one byte', () => Buffer.alloc(1)],
    ])('refuses a genuine signature %s with bad_signature', async (_case, mangle) => {
      const { input, signature } = joseSignature();
      const { res, probe } = await send(backend, `${input}.${mangle(signature).toString('base64url')}`);
      expectTokenRefused(res, probe, 'bad_signature');
    });
  });

  describe.each(SIGNERS)('%s signatures in strict base64url (RFC 7515 §2, RFC 4648 §3.5)', (algorithm, secretKey, signingKey) => {
    it('refuses every other spelling of the genuine signature bytes as malformed', async () => {
      const token = signedToken(algorithm, signingKey, claims());
      expect((await send({ secretKey, algorithm }, token)).res.status).toBe(200);
      const variants = nonCanonicalSignatures(token);
      // A signature whose length is a multiple of 3 bytes (ES512: 132) has no spare bits to vary.
      const spareBits = Buffer.from(token.split('.')[2], 'base64url').length % 3 !== 0;
      expect(variants.length > 0).toBe(spareBits);
      for (const variant of variants) {
        // The same bytes under a different string: a denylist of token strings or hashes, or a
        // replay cache keyed by the token, would not recognise the variant.
        expect(Buffer.from(variant.split('.')[2], 'base64url')).toEqual(Buffer.from(token.split('.')[2], 'base64url'));
        const { res, probe } = await send({ secretKey, algorithm }, variant);
        // Non-zero pad bits make a non-canonical encoding (RFC 4648 §3.5): refused before any cryptography.
        expectTokenRefused(res, probe, 'malformed');
      }
    });
  });

  describe('kid with a single key: a name that is never used as a path, query or URL', () => {
    it.each(HOSTILE_KIDS)('accepts a genuine token whose kid is %j: one key is used whatever the kid', async (kid) => {
      const { res } = await send({}, hmacSigned({ alg: 'HS256', typ: 'JWT', kid }, claims(), SECRET));
      expect(res.status).toBe(200);
      expect(res.body.user.identity).toBe('user-1');
    });

    it.each([
      ['a number', 42],
      ['null', null],
      ['an object', { path: '../../etc/passwd' }],
      ['a list', ['key-2024']],
    ])('refuses a genuine token whose kid is %s as malformed (RFC 7515 §4.1.4: kid is a string)', async (_case, kid) => {
      const { res, probe } = await send({}, hmacSigned({ alg: 'HS256', typ: 'JWT', kid }, claims(), SECRET));
      expectTokenRefused(res, probe, 'malformed');
    });
  });

  describe('kid with a kid map: looked up by name only', () => {
    const keyMap = { secretKey: { 'key-2024': SECRET, 'key-2025': OTHER_SECRET } };

    it('accepts a genuine token under its own kid, and refuses it under the other', async () => {
      expect((await send(keyMap, hmacSigned({ alg: 'HS256', kid: 'key-2025' }, claims(), OTHER_SECRET))).res.status).toBe(200);
      const { res, probe } = await send(keyMap, hmacSigned({ alg: 'HS256', kid: 'key-2024' }, claims(), OTHER_SECRET));
      expectTokenRefused(res, probe, 'bad_signature');
    });

    it.each(HOSTILE_KIDS)('refuses a token whose kid is %j with unknown_key', async (kid) => {
      const { res, probe } = await send(keyMap, hmacSigned({ alg: 'HS256', typ: 'JWT', kid }, claims(), SECRET));
      expectTokenRefused(res, probe, 'unknown_key');
    });

    it.each([
      ['a number', 2024],
      ['null', null],
      ['a list naming a known kid', ['key-2024']],
      ['an object', { toString: 'key-2024' }],
    ])('refuses a token whose kid is %s as malformed', async (_case, kid) => {
      const { res, probe } = await send(keyMap, hmacSigned({ alg: 'HS256', kid }, claims(), SECRET));
      expectTokenRefused(res, probe, 'malformed');
    });

    it('refuses a token without kid when several keys fit, rather than trying each', async () => {
      const { res, probe } = await send(keyMap, hmacSigned({ alg: 'HS256' }, claims(), SECRET));
      expectTokenRefused(res, probe, 'unknown_key');
    });

    it('leaves Object.prototype untouched after hostile kids', () => {
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>)['../../etc/passwd']).toBeUndefined();
    });
  });
});
