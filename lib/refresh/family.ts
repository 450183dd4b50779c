/**
 * Why a family ended: a rotated token presented again, a sign-out, or the subject signed out
 * everywhere.
 */
export type FamilyEndReason = 'reused' | 'logout' | 'subject';

/** The last rotation, kept for the reuse interval. */
export interface PreviousRotation {
  /** The hash of the token it rotated out. */
  readonly hash: string;
  /** When it happened, in milliseconds since the epoch. */
  readonly atMs: number;
  /** Its answer, sealed under the rotated-out token (see `sealResult`). */
  readonly sealed: string;
}

/**
 * One sign-in: the refresh tokens issued from it, one after the other, and what they grant.
 * Stored as JSON under `refresh:family:<id>`, and replaced whole by compare-and-swap.
 */
export interface Family {
  readonly sub: string;
  /** The claims of its access tokens besides `sub`, the scope claim and `sid`. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The scopes granted at sign-in: a refresh may narrow them, never widen them. */
  readonly scopes: readonly string[];
  /** When the sign-in happened, and when the family ends whatever is refreshed, in seconds since the epoch. */
  readonly startedAt: number;
  readonly endsAt: number;
  /** How many rotations so far. */
  readonly generation: number;
  /** The hash of the one refresh token that works now, and when it expires (seconds). */
  readonly current: string;
  readonly currentExpiresAt: number;
  readonly previous: PreviousRotation | undefined;
  /** Fingerprints of the tokens rotated out before `previous`, newest last: presenting one ends the family. */
  readonly used: readonly string[];
  /** Set once the family has ended; nothing of it works afterwards. */
  readonly ended: FamilyEndReason | undefined;
}

/** How many rotated-out tokens a family remembers: an older one is refused as unknown, without ending the family. */
export const MAX_REMEMBERED_TOKENS = 100;

const SECONDS = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const TEXT = (value: unknown): value is string => typeof value === 'string';

/** The stored form of a family. */
export function serializeFamily(family: Family): string {
  return JSON.stringify(family);
}

function isPrevious(value: unknown): value is PreviousRotation {
  if (typeof value !== 'object' || value === null) return false;
  const { hash, atMs, sealed } = value as Record<string, unknown>;
  return TEXT(hash) && SECONDS(atMs) && TEXT(sealed);
}

/** Reads a stored family; `undefined` for anything this library did not write. */
export function parseFamily(text: string | undefined): Family | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { sub, claims, scopes, startedAt, endsAt, generation, current, currentExpiresAt, previous, used, ended } = record;
  const valid = TEXT(sub) && typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    && Array.isArray(scopes) && scopes.every(TEXT) && SECONDS(startedAt) && SECONDS(endsAt) && SECONDS(generation)
    && TEXT(current) && SECONDS(currentExpiresAt) && (previous === undefined || isPrevious(previous))
    && Array.isArray(used) && used.every(TEXT) && (ended === undefined || ended === 'reused' || ended === 'logout' || ended === 'subject');
  if (!valid) return undefined;
  return {
    sub,
    claims: claims as Record<string, unknown>,
    scopes: scopes as string[],
    startedAt,
    endsAt,
    generation,
    current,
    currentExpiresAt,
    previous,
    used: used as string[],
    ended,
  };
}
