import { createHash } from 'node:crypto';

/** The key prefix of every revocation in a store. */
export const REVOCATION_KEY_PREFIX = 'revoked:';
/** The change-feed channel revocations are announced on. */
export const REVOCATION_CHANNEL = 'revocations';

/**
 * What one revocation says: a token id (`jti`) or a sign-in's tokens (`sid`, a refresh-token
 * family) refused until `until`, or a subject's tokens issued at or before `notBefore`.
 */
export type Revocation =
  | { readonly kind: 'jti' | 'sid'; readonly hash: string; readonly until: number }
  | { readonly kind: 'sub'; readonly hash: string; readonly notBefore: number; readonly until: number };

const HASH = /^[A-Za-z0-9_-]{43}$/;
const SECONDS = /^\d{1,15}$/;

/**
 * The fixed-size name of a `jti` or `sub` in keys, messages and the local copy: a SHA-256,
 * so an identifier of any length or content (a hostile 8 KB `jti`) costs the same 43 characters.
 *
 * @example
 * ```ts
 * const key = `${REVOCATION_KEY_PREFIX}jti:${revocationHash('jti', payload.jti)}`;
 * ```
 */
export function revocationHash(kind: 'jti' | 'sub' | 'sid', id: string): string {
  return createHash('sha256').update(kind).update('\0').update(id).digest('base64url');
}

/** The store key of a revocation. */
export function revocationKey(revocation: Revocation): string {
  return `${REVOCATION_KEY_PREFIX}${revocation.kind}:${revocation.hash}`;
}

/** The store value of a revocation: its times in seconds, space-separated. */
export function revocationValue(revocation: Revocation): string {
  return revocation.kind !== 'sub' ? String(revocation.until) : `${revocation.notBefore} ${revocation.until}`;
}

/** The change-feed message of a revocation. */
export function revocationMessage(revocation: Revocation): string {
  return `${revocation.kind} ${revocation.hash} ${revocationValue(revocation)}`;
}

function seconds(text: string | undefined): number | undefined {
  return text !== undefined && SECONDS.test(text) ? Number(text) : undefined;
}

function build(kind: string | undefined, hash: string | undefined, times: readonly (string | undefined)[]): Revocation | undefined {
  if (hash === undefined || !HASH.test(hash)) return undefined;
  if ((kind === 'jti' || kind === 'sid') && times.length === 1) {
    const until = seconds(times[0]);
    return until === undefined ? undefined : { kind, hash, until };
  }
  if (kind === 'sub' && times.length === 2) {
    const [notBefore, until] = times.map(seconds);
    return notBefore === undefined || until === undefined ? undefined : { kind, hash, notBefore, until };
  }
  return undefined;
}

/** Reads a change-feed message; `undefined` for anything this library did not write. */
export function parseRevocationMessage(message: string): Revocation | undefined {
  if (typeof message !== 'string' || message.length > 128) return undefined;
  const [kind, hash, ...times] = message.split(' ');
  return build(kind, hash, times);
}

/** Reads a store entry (key and value); `undefined` for anything this library did not write. */
export function parseRevocationEntry(key: string, value: string): Revocation | undefined {
  if (!key.startsWith(REVOCATION_KEY_PREFIX) || typeof value !== 'string' || value.length > 64) return undefined;
  const [kind, hash] = key.slice(REVOCATION_KEY_PREFIX.length).split(':');
  return build(kind, hash, value.split(' '));
}
