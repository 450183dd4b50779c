import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import type { Algorithm } from '../../lib';
import { type Comparison, compare, differencesOf, expectNoUndocumentedDifference } from '../helpers/differential';
import { flipCharacter, jwsSignature, rawSegment } from '../helpers/hostile-tokens';
import { NOW, NOW_MS, SECRET } from '../helpers/tokens';

// The differential property on generated tokens: headers and payloads of any JSON (and raw
// bytes that are not JSON or not UTF-8), correctly signed, then sometimes damaged. The library
// accepts only what jsonwebtoken accepts; every other difference is a documented stricter check.

type Verifiable = Exclude<Algorithm, 'EdDSA'>;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const secret = createSecretKey(Buffer.from(SECRET));
const PAIRS: Readonly<Record<'HS256' | 'RS256' | 'PS384' | 'ES256', { signing: KeyObject; verifying: KeyObject }>> = {
  HS256: { signing: secret, verifying: secret },
  RS256: { signing: rsa.privateKey, verifying: rsa.publicKey },
  PS384: { signing: rsa.privateKey, verifying: rsa.publicKey },
  ES256: { signing: p256.privateKey, verifying: p256.publicKey },
};

const json = fc.jsonValue({ maxDepth: 2 });
const time = fc.oneof(fc.integer({ min: NOW - 1000, max: NOW + 1000 }), fc.constant('soon'), fc.constant(null), fc.double());
const claimsArb = fc.record(
  { sub: fc.oneof(fc.string(), fc.integer()), iss: fc.oneof(fc.string(), json), exp: time, nbf: time, iat: time, scope: fc.string(), extra: json },
  { requiredKeys: [] },
);
const headerExtras = fc.oneof(fc.constant({}), fc.record(
  { kid: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), typ: fc.string(), crit: fc.array(fc.string(), { maxLength: 2 }), b64: fc.boolean(), jku: fc.webUrl() },
  { requiredKeys: [] },
));
const validClaims = fc.record({ sub: fc.string(), scope: fc.string(), extra: json }).map((value) => ({ ...value, iat: NOW, exp: NOW + 3600 }));
const payloadSegment = fc.oneof(
  { weight: 6, arbitrary: validClaims.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')) },
  { weight: 6, arbitrary: claimsArb.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')) },
  { weight: 1, arbitrary: json.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => rawSegment(Buffer.from(bytes))) },
);
type Damage = 'none' | 'flip' | 'truncate' | 'extend' | 'empty' | 'other-alg';
const damage = fc.constantFrom<Damage>('none', 'none', 'none', 'flip', 'truncate', 'extend', 'empty', 'other-alg');

function build(algorithm: Verifiable, signing: KeyObject, extras: Record<string, unknown>, payload: string, how: Damage, at: number): string {
  const alg = how === 'other-alg' ? (algorithm === 'HS256' ? 'HS512' : 'HS256') : algorithm;
  const input = `${Buffer.from(JSON.stringify({ alg, ...extras })).toString('base64url')}.${payload}`;
  const signature = jwsSignature(algorithm, input, signing).toString('base64url');
  const token = `${input}.${signature}`;
  switch (how) {
    case 'flip': return flipCharacter(token, input.length + 1 + (at % signature.length), at);
    case 'truncate': return token.slice(0, token.length - 1 - (at % 8));
    case 'extend': return `${token}${'A'.repeat(1 + (at % 4))}`;
    case 'empty': return `${input}.`;
    default: return token;
  }
}

describe('the node:crypto verifier, compared with jsonwebtoken on generated tokens', () => {
  const seen: Comparison[] = [];

  it.each(Object.keys(PAIRS) as (keyof typeof PAIRS)[])('accepts only what jsonwebtoken accepts with %s, every other difference documented', (algorithm) => {
    const { signing, verifying } = PAIRS[algorithm];
    fc.assert(fc.property(headerExtras, payloadSegment, damage, fc.nat(), (extras, payload, how, at) => {
      const comparison = compare(build(algorithm, signing, extras, payload, how, at), algorithm, verifying, NOW_MS);
      seen.push(comparison);
      expectNoUndocumentedDifference(comparison);
    }), { numRuns: 150 });
  });

  it('generated tokens both verifiers accept, and differences of several kinds, so the property is not vacuous', () => {
    expect(seen.filter((comparison) => comparison.library.accepted).length).toBeGreaterThan(20);
    expect(differencesOf(seen).size).toBeGreaterThanOrEqual(4);
  });
});
