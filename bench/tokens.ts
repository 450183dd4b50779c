import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIENCE, BENCH_ALGORITHMS, type BenchAlgorithm, type FixedTokens, ISSUER, KEY_FILES, SUBJECT, type TokenFile,
} from './config';

/**
 * Keys and tokens, made with node:crypto alone so that no library under test signs its own
 * tokens. Keys are generated once per run into a temporary directory; every process reads them
 * from there.
 */

type AsymmetricAlgorithm = Exclude<BenchAlgorithm, 'HS256'>;

/** A key to sign with: the HMAC secret as a string, or a private key. */
export type SigningKey = { readonly algorithm: 'HS256'; readonly secret: string } | { readonly algorithm: AsymmetricAlgorithm; readonly key: KeyObject };

const HEADER_BY_ALGORITHM: Readonly<Record<BenchAlgorithm, string>> = Object.fromEntries(
  BENCH_ALGORITHMS.map((algorithm) => [algorithm, encodeJson({ alg: algorithm, typ: 'JWT' })]),
) as Record<BenchAlgorithm, string>;

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(key: SigningKey, input: string): Buffer {
  switch (key.algorithm) {
    case 'HS256': return createHmac('sha256', key.secret).update(input).digest();
    case 'RS256': return sign('sha256', Buffer.from(input), key.key);
    // RFC 7518 §3.4: ECDSA signatures in a JWS are R || S, not DER.
    case 'ES256': return sign('sha256', Buffer.from(input), { key: key.key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA': return sign(null, Buffer.from(input), key.key);
  }
}

/** Signs `claims` into a compact JWS with the key's algorithm (or `header` as given). */
export function signJwt(key: SigningKey, claims: Readonly<Record<string, unknown>>, header?: Readonly<Record<string, unknown>>): string {
  const input = `${header === undefined ? HEADER_BY_ALGORITHM[key.algorithm] : encodeJson(header)}.${encodeJson(claims)}`;
  return `${input}.${signature(key, input).toString('base64url')}`;
}

/** The claims of a valid token: the bench issuer and audience, an hour and more to live. */
export function validClaims(nowSec: number, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, scope: 'read', iat: nowSec, exp: nowSec + 4 * 3600, ...extra };
}

/** Flips one bit of the signature, keeping its length and base64url shape: well-formed, but wrong. */
export function breakSignature(token: string): string {
  const dot = token.lastIndexOf('.');
  const bytes = Buffer.from(token.slice(dot + 1), 'base64url');
  bytes[bytes.length >> 1] ^= 0x01;
  return `${token.slice(0, dot + 1)}${bytes.toString('base64url')}`;
}

/** Reads the signing key of `algorithm` from the key directory. */
export function readSigningKey(keysDir: string, algorithm: BenchAlgorithm): SigningKey {
  if (algorithm === 'HS256') return { algorithm, secret: readFileSync(join(keysDir, KEY_FILES.secret), 'utf8') };
  return { algorithm, key: createPrivateKey(readFileSync(join(keysDir, KEY_FILES.privateKey(algorithm)), 'utf8')) };
}

/** The verification key of `algorithm` as the peers take it: the secret string or a public key PEM. */
export function readVerificationKey(keysDir: string, algorithm: BenchAlgorithm): string {
  return readFileSync(join(keysDir, algorithm === 'HS256' ? KEY_FILES.secret : KEY_FILES.publicKey(algorithm)), 'utf8');
}

function generateKeyPair(algorithm: AsymmetricAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  switch (algorithm) {
    case 'RS256': return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256': return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA': return generateKeyPairSync('ed25519');
  }
}

function fixedTokens(keysDir: string, algorithm: BenchAlgorithm, nowSec: number): FixedTokens {
  const key = readSigningKey(keysDir, algorithm);
  const valid = signJwt(key, validClaims(nowSec, { jti: 'repeated' }));
  // An asymmetric backend must not accept an HMAC made with its public key (algorithm confusion);
  // an HMAC backend must not accept an Ed25519 token.
  const wrongAlgorithm = algorithm === 'HS256'
    ? signJwt(readSigningKey(keysDir, 'EdDSA'), validClaims(nowSec))
    : signJwt({ algorithm: 'HS256', secret: readVerificationKey(keysDir, algorithm) }, validClaims(nowSec), { alg: 'HS256', typ: 'JWT' });
  return {
    valid,
    badSignature: breakSignature(valid),
    expired: signJwt(key, validClaims(nowSec - 7200, { exp: nowSec - 3600 })),
    wrongIssuer: signJwt(key, validClaims(nowSec, { iss: 'https://other-issuer.bench.local/' })),
    wrongAudience: signJwt(key, validClaims(nowSec, { aud: 'other-api' })),
    wrongAlgorithm,
    unsigned: `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson(validClaims(nowSec))}.`,
  };
}

/** Writes the secret, the key pairs and the fixed tokens into `keysDir`. */
export function writeKeysAndTokens(keysDir: string, nowSec: number): void {
  mkdirSync(keysDir, { recursive: true });
  writeFileSync(join(keysDir, KEY_FILES.secret), randomBytes(32).toString('base64url'));
  for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) {
    const { publicKey, privateKey } = generateKeyPair(algorithm);
    writeFileSync(join(keysDir, KEY_FILES.publicKey(algorithm)), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(keysDir, KEY_FILES.privateKey(algorithm)), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  const tokens = Object.fromEntries(BENCH_ALGORITHMS.map((algorithm) => [algorithm, fixedTokens(keysDir, algorithm, nowSec)]));
  writeFileSync(join(keysDir, KEY_FILES.tokens), JSON.stringify(tokens));
}

export function readTokenFile(keysDir: string): TokenFile {
  return JSON.parse(readFileSync(join(keysDir, KEY_FILES.tokens), 'utf8')) as TokenFile;
}

/** `count` distinct valid tokens (distinct `jti` and `sub`), from index `start` on, one per line. */
export function poolTokens(key: SigningKey, start: number, count: number, nowSec: number): string {
  const lines: string[] = [];
  for (let index = start; index < start + count; index += 1) {
    lines.push(signJwt(key, validClaims(nowSec, { sub: `user-${index}`, jti: `fresh-${index}` })));
  }
  return lines.join('\n');
}

// Run as a child process, to sign a slice of a pool on another core:
// tokens.ts pool <keysDir> <algorithm> <start> <count> <nowSec> <outFile>
if (require.main === module && process.argv[2] === 'pool') {
  const [keysDir, algorithm, start, count, nowSec, outFile] = process.argv.slice(3);
  const key = readSigningKey(keysDir, algorithm as BenchAlgorithm);
  writeFileSync(outFile, poolTokens(key, Number(start), Number(count), Number(nowSec)));
}
