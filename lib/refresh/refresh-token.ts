import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The key prefix of every refresh-token record in a store. */
export const REFRESH_KEY_PREFIX = 'refresh:';

/** The longest refresh token read, in characters: anything longer is refused before any work. */
export const MAX_REFRESH_TOKEN_LENGTH = 256;

// `<family id>.<secret>`: the family id (16 random bytes) names the one record to read, the
// secret (32 random bytes) proves possession. Both base64url, so the key built from the id is
// bounded and never carries what a client chose beyond these 22 characters.
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const FAMILY_ID = /^[A-Za-z0-9_-]{22}$/;

/** A refresh token split into the family it names; `undefined` when it is not one this library issues. */
export interface ParsedRefreshToken {
  readonly familyId: string;
}

/** A new random family id: 16 bytes, base64url. */
export function newFamilyId(): string {
  return randomBytes(16).toString('base64url');
}

/** A new refresh token of `familyId`: the id and 32 random bytes, base64url. */
export function newRefreshToken(familyId: string): string {
  return `${familyId}.${randomBytes(32).toString('base64url')}`;
}

/** The family a refresh token names, or `undefined` when it is not shaped as this library issues them. */
export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const match = TOKEN.exec(token);
  return match === null ? undefined : { familyId: match[1] };
}

/** Whether `value` is a family id as this library writes them (a `sid` claim of its access tokens). */
export function isFamilyId(value: unknown): value is string {
  return typeof value === 'string' && FAMILY_ID.test(value);
}

/** The only form in which a refresh token is stored: its SHA-256, base64url (43 characters). */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update('refresh-token\0').update(token).digest('base64url');
}

/** A shorter fingerprint of a rotated-out token's hash (128 bits), for the family's list of used tokens. */
export function usedTokenFingerprint(hash: string): string {
  return hash.slice(0, 22);
}

/** Compares two hashes (or fingerprints) in constant time; different lengths never match. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Both sides are hashes: their lengths are public, only their contents must not leak.
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The store key of a family. */
export function familyKey(familyId: string): string {
  return `${REFRESH_KEY_PREFIX}family:${familyId}`;
}

/** The store key prefix of a subject's families (its `sub`, hashed: any length costs 43 characters). */
export function subjectKeyPrefix(sub: string): string {
  return `${REFRESH_KEY_PREFIX}subject:${createHash('sha256').update('sub\0').update(sub).digest('base64url')}:`;
}

// The answer of a rotation is kept for the reuse interval, so that a concurrent caller holding
// the same (now previous) token gets the same pair. It holds a live refresh token, so it is
// stored encrypted under a key derived from the previous token: only who presents that token
// can read it, and the store still holds nothing that grants anything on its own.
function resultKey(previousToken: string): Buffer {
  return createHash('sha256').update('refresh-result\0').update(previousToken).digest();
}

/** Encrypts a rotation's answer (AES-256-GCM) under a key only `previousToken` gives. */
export function sealResult(previousToken: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', resultKey(previousToken), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Decrypts what {@link sealResult} wrote; `undefined` when it does not open with this token. */
export function openResult(previousToken: string, sealed: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', resultKey(previousToken), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
