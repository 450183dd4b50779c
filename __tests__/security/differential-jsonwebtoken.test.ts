import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import type { Algorithm } from '../../lib';
import {
  type Comparison, compare, differencesOf, expectNoUndocumentedDifference, STRICTER_CHECKS,
} from '../helpers/differential';
import {
  derEcdsaToken, flipCharacter, groupOrderToken, hmacSigned, jwsSignature, NONE_SPELLINGS, nonCanonicalSignatures,
  psychicToken, rawSegment, segment, signedToken, unsecuredToken, withoutSignature, withPayload,
} from '../helpers/hostile-tokens';
import { signWithPyJwt } from '../helpers/pyjwt';
import { A4_KEY, A4_TOKEN, a4KeyToken, CLOCK_MS, JWT_EXAMPLES } from '../helpers/rfc7515-examples';
import { claims, NOW, NOW_MS, pem, SECRET } from '../helpers/tokens';

// The library verifies signatures with node:crypto; jsonwebtoken is the reference. Over the
// interop (RFC 7515, PyJWT, jose) and attack corpora, the library accepts only what
// jsonwebtoken accepts, and every token only jsonwebtoken accepts is explained by a documented
// stricter check (../helpers/differential.ts). EdDSA is not compared: jsonwebtoken lacks it.

type Verifiable = Exclude<Algorithm, 'EdDSA'>;

interface KeyPair {
  readonly signing: KeyObject;
  readonly verifying: KeyObject;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const secret = createSecretKey(Buffer.from(SECRET));
const ec = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
} as const;

function pairFor(algorithm: Verifiable): KeyPair {
  if (algorithm.startsWith('HS')) return { signing: secret, verifying: secret };
  if (algorithm.startsWith('ES')) {
    const pair = ec[algorithm as keyof typeof ec];
    return { signing: pair.privateKey, verifying: pair.publicKey };
  }
  return { signing: rsa.privateKey, verifying: rsa.publicKey };
}

const ALGORITHMS: readonly Verifiable[] = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** A token signed over any two segments, as given. */
function signedSegments(algorithm: Verifiable, signing: KeyObject, header: string, payload: string): string {
  const input = `${header}.${payload}`;
  return `${input}.${jwsSignature(algorithm, input, signing).toString('base64url')}`;
}

/** The attack corpus of one algorithm: valid tokens, tampered ones, odd headers and payloads, all correctly signed where it matters. */
function hostileCorpus(algorithm: Verifiable, { signing, verifying }: KeyPair): string[] {
  const valid = signedToken(algorithm, signing, claims());
  const header = segment({ alg: algorithm, typ: 'JWT' });
  const signature = valid.slice(valid.lastIndexOf('.') + 1);
  const tokens = [
    valid,
    withPayload(valid, claims({ sub: 'admin' })),
    withoutSignature(valid),
    ...nonCanonicalSignatures(valid),
    flipCharacter(valid, valid.lastIndexOf('.') + 1, 0),
    flipCharacter(valid, valid.length - 5, 3),
    flipCharacter(valid, 3, 1),
    valid.slice(0, -4),
    `${valid}AAAA`,
    `${valid}=`,
    `${valid} `,
    `${valid}.`,
    ...NONE_SPELLINGS.flatMap((alg) => [unsecuredToken(alg, claims()), unsecuredToken(alg, claims(), signature)]),
    // Algorithm confusion: the public key (or the secret) as an HMAC secret, and another algorithm's header.
    hmacSigned({ alg: 'HS256', typ: 'JWT' }, claims(), verifying.type === 'secret' ? SECRET : pem(verifying)),
    signedToken(algorithm, signing, claims(), { alg: algorithm === 'HS256' ? 'HS384' : 'HS256' }),
    // Headers the library refuses or ignores.
    signedToken(algorithm, signing, claims(), { kid: 'key-1' }),
    signedToken(algorithm, signing, claims(), { kid: 7 }),
    signedToken(algorithm, signing, claims(), { crit: ['b64'], b64: false }),
    signedToken(algorithm, signing, claims(), { crit: [] }),
    signedToken(algorithm, signing, claims(), { jku: 'https://attacker.example/jwks.json', x5u: 'https://attacker.example/cert' }),
    signedToken(algorithm, signing, claims(), { typ: 'at+jwt', cty: 'JWT' }),
    // Payloads the library refuses or reads otherwise.
    ...['a string', [1, 2], null, 42, {}].map((payload) => signedToken(algorithm, signing, payload)),
    ...[{ exp: NOW - 10 }, { nbf: NOW + 100 }, { iat: NOW + 100 }, { exp: 'soon' }, { exp: null }, { sub: 1 }, { iss: {} }, { aud: 7 }]
      .map((overrides) => signedToken(algorithm, signing, claims(overrides))),
    signedSegments(algorithm, signing, header, rawSegment('Payload')),
    signedSegments(algorithm, signing, header, rawSegment(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))),
    signedSegments(algorithm, signing, rawSegment(Buffer.concat([Buffer.from(`{"alg":"${algorithm}","x":"`), Buffer.from([0xe9]), Buffer.from('"}')])), segment(claims())),
    signedSegments(algorithm, signing, header, `${segment(claims())}A`),
    signedSegments(algorithm, signing, `${header}A`, segment(claims())),
    signedSegments(algorithm, signing, segment('not an object'), segment(claims())),
    signedSegments(algorithm, signing, segment([algorithm]), segment(claims())),
  ];
  if (algorithm.startsWith('ES')) {
    const es = algorithm as 'ES256' | 'ES384' | 'ES512';
    tokens.push(derEcdsaToken(es, signing, claims()), psychicToken(es, claims()), groupOrderToken(es, claims()));
  }
  return tokens;
}

function compareAll(tokens: readonly string[], algorithm: Algorithm, key: KeyObject, nowMs: number): Comparison[] {
  return tokens.map((token) => compare(token, algorithm, key, nowMs));
}

describe('the node:crypto verifier, compared with jsonwebtoken', () => {
  const everyComparison: Comparison[] = [];

  describe('on the RFC 7515 Appendix A examples', () => {
    it.each(JWT_EXAMPLES)('decides Appendix $appendix ($algorithm) as jsonwebtoken does, and accepts it', ({ token, algorithm, key }) => {
      const comparison = compare(token, algorithm, key, CLOCK_MS);
      everyComparison.push(comparison);
      expectNoUndocumentedDifference(comparison);
      expect(comparison.library.accepted).toBe(true);
    });

    it('refuses A.4, whose payload is not a claims set, which jsonwebtoken accepts: a documented stricter check', () => {
      const comparison = compare(A4_TOKEN, 'ES512', A4_KEY, CLOCK_MS);
      everyComparison.push(comparison);
      expectNoUndocumentedDifference(comparison);
      expect(comparison.reference.accepted).toBe(true);
      expect(comparison.library).toEqual({ accepted: false, reason: 'malformed' });
      expect(comparison.stricter).toEqual(['payload not a JSON object']);
    });

    it('accepts the claims set signed with the A.4 key, as jsonwebtoken does', () => {
      const comparison = compare(a4KeyToken(), 'ES512', A4_KEY, CLOCK_MS);
      everyComparison.push(comparison);
      expectNoUndocumentedDifference(comparison);
      expect(comparison.library.accepted).toBe(true);
    });
  });

  describe('on tokens signed by PyJWT', () => {
    const jobs = Object.fromEntries(ALGORITHMS.map((algorithm) => {
      const { signing } = pairFor(algorithm);
      const key = signing.type === 'secret' ? SECRET : signing.export({ type: 'pkcs8', format: 'pem' }).toString();
      return [algorithm, { alg: algorithm, key, claims: claims() }];
    })) as Record<Verifiable, { alg: string; key: string; claims: Record<string, unknown> }>;
    const { tokens } = signWithPyJwt(jobs);

    it.each(ALGORITHMS)('accepts the %s token and its tampered copies exactly as jsonwebtoken does', (algorithm) => {
      const token = tokens[algorithm];
      const comparisons = compareAll([token, withPayload(token, claims({ sub: 'admin' })), ...nonCanonicalSignatures(token), flipCharacter(token, token.length - 3, 2)],
        algorithm, pairFor(algorithm).verifying, NOW_MS);
      everyComparison.push(...comparisons);
      comparisons.forEach(expectNoUndocumentedDifference);
      expect(comparisons[0].library.accepted).toBe(true);
      expect(comparisons.slice(1).some((comparison) => comparison.library.accepted)).toBe(false);
    });
  });

  describe('on tokens signed by jose', () => {
    it.each(ALGORITHMS)('accepts the %s token and refuses its forgeries exactly as jsonwebtoken does', async (algorithm) => {
      const { signing, verifying } = pairFor(algorithm);
      const token = await new jose.SignJWT(claims() as jose.JWTPayload).setProtectedHeader({ alg: algorithm, typ: 'JWT', kid: 'jose-1' }).sign(signing);
      const comparisons = compareAll([token, withPayload(token, claims({ scope: 'admin' })), withoutSignature(token), ...nonCanonicalSignatures(token)], algorithm, verifying, NOW_MS);
      everyComparison.push(...comparisons);
      comparisons.forEach(expectNoUndocumentedDifference);
      expect(comparisons.map((comparison) => comparison.library.accepted)).toEqual([true, ...comparisons.slice(1).map(() => false)]);
    });
  });

  describe('on the attack corpus', () => {
    it.each(ALGORITHMS)('accepts only what jsonwebtoken accepts with %s, every other difference documented', (algorithm) => {
      const pair = pairFor(algorithm);
      const comparisons = compareAll(hostileCorpus(algorithm, pair), algorithm, pair.verifying, NOW_MS);
      everyComparison.push(...comparisons);
      comparisons.forEach(expectNoUndocumentedDifference);
      // The corpus is not vacuous: it holds tokens both accept and forgeries both refuse.
      expect(comparisons.filter((comparison) => comparison.library.accepted).length).toBeGreaterThanOrEqual(4);
      expect(comparisons.filter((comparison) => !comparison.reference.accepted).length).toBeGreaterThanOrEqual(10);
    });
  });

  it('exercises every documented stricter check at least once, so none is listed without cause', () => {
    expect([...differencesOf(everyComparison)].sort()).toEqual(STRICTER_CHECKS.map((check) => check.name).sort());
  });
});
