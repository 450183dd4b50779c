import { createHmac, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';

/** The fixed clock of the tests: 2026-01-01T00:00:00Z, in milliseconds. */
export const NOW_MS = Date.UTC(2026, 0, 1);
/** {@link NOW_MS} in seconds, as JWT claims count. */
export const NOW = NOW_MS / 1000;
/** A clock that always returns {@link NOW_MS}. */
export const fixedClock = (): number => NOW_MS;

/** The HMAC secret of the tests: 64 bytes, as RFC 7518 §3.2 asks of HS512 (and so of HS256/384). */
export const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP';

/** Claims with defaults: a valid token for `alice`, issued now, expiring in an hour. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'user-1', username: 'alice', scope: 'read', iat: NOW, exp: NOW + 3600, ...overrides };
}

/** Options of {@link signToken}. */
export interface SignOptions {
  readonly key?: string | Buffer | KeyObject;
  readonly algorithm?: jsonwebtoken.Algorithm;
  readonly header?: Record<string, unknown>;
}

/** Signs `payload` (default: {@link claims}) with the test secret and HS256 unless told otherwise. */
export function signToken(payload: Record<string, unknown> = claims(), options: SignOptions = {}): string {
  const algorithm = options.algorithm ?? 'HS256';
  // Through JSON, so that `undefined` overrides remove a claim, as they would on the wire.
  return jsonwebtoken.sign(JSON.parse(JSON.stringify(payload)) as object, options.key ?? SECRET, {
    algorithm,
    header: { alg: algorithm, typ: 'JWT', ...options.header } as jsonwebtoken.JwtHeader,
    allowInsecureKeySizes: true,
  });
}

/** Builds a token by hand from header and payload JSON and a raw signature segment. */
export function rawToken(header: unknown, payload: unknown, signature = 'c2ln'): string {
  const encode = (part: unknown): string => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

/** Key pairs for the asymmetric algorithms, generated once per test file. */
export const keys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  ec384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  ec521: generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
  secret: createSecretKey(Buffer.from(SECRET)),
};

/** A PEM string of a public key. */
export function pem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Signs any header and payload JSON with HMAC-SHA256 by hand, bypassing jsonwebtoken's checks. */
export function hmacToken(header: unknown, payload: unknown, secret: string = SECRET): string {
  const unsigned = rawToken(header, payload).split('.').slice(0, 2).join('.');
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
