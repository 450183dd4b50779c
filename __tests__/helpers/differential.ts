import { isUtf8 } from 'node:buffer';
import type { KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { type Algorithm, InvalidTokenError, type InvalidTokenReason } from '../../lib';
import { DEFAULT_CHALLENGE } from '../../lib/core/challenge';
import { createJwtVerifier } from '../../lib/jwt/verify';
import { keyEntry } from '../../lib/keys/key-entry';
import { SingleKey } from '../../lib/keys/static-key-set';

// The differential test of the verifier: the library's own verifier (node:crypto) against
// jsonwebtoken, the reference, on the same token and key. Every token the library accepts,
// jsonwebtoken must accept with the same claims; every token jsonwebtoken accepts and the
// library refuses must be explained by one of STRICTER_CHECKS, computed here from the token
// independently of the library, with the reason the library gives for it.

/** What a verifier decided: accepted with claims, or refused (with the library's reason, or jsonwebtoken's message). */
export type Decision = { readonly accepted: true; readonly payload: unknown } | { readonly accepted: false; readonly reason: string };

/** The library's decision: its real verifier (`createJwtVerifier`) with one key, no claim expectations, no cache. */
export function libraryDecision(token: string, algorithm: Algorithm, key: KeyObject, nowMs: number): Decision {
  const verify = createJwtVerifier({
    keys: new SingleKey(keyEntry(undefined, key, [algorithm], true), DEFAULT_CHALLENGE),
    algorithms: [algorithm],
    clockTolerance: 0,
    requiredClaims: [],
    clock: () => nowMs,
    challenge: DEFAULT_CHALLENGE,
    maxTokenLength: Number.MAX_SAFE_INTEGER,
    cacheMaxAge: 0,
  });
  try {
    const payload = verify(token);
    if (payload instanceof Promise) throw new Error('a static key answered asynchronously');
    return { accepted: true, payload };
  } catch (err) {
    if (err instanceof InvalidTokenError) return { accepted: false, reason: err.reason };
    throw err;
  }
}

/** jsonwebtoken's decision, with exactly the options the brief names: times ignored, one algorithm. */
export function referenceDecision(token: string, algorithm: Algorithm, key: KeyObject): Decision {
  try {
    const payload = jsonwebtoken.verify(token, key, { algorithms: [algorithm as jsonwebtoken.Algorithm], ignoreExpiration: true, ignoreNotBefore: true });
    return { accepted: true, payload };
  } catch (err) {
    return { accepted: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

interface Parts {
  readonly segments: readonly string[];
  readonly header: unknown;
  readonly payload: unknown;
}

const NOT_JSON = Symbol('not JSON');

function lenientJson(segment: string | undefined): unknown {
  if (segment === undefined) return NOT_JSON;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function partsOf(token: string): Parts {
  const segments = token.split('.');
  return { segments, header: lenientJson(segments[0]), payload: lenientJson(segments[1]) };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const member = (value: unknown, name: string): unknown => (isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined);
const has = (value: unknown, name: string): boolean => isObject(value) && Object.hasOwn(value, name);

/** A check the library makes and jsonwebtoken (with the options above) does not, and why. */
export interface StricterCheck {
  readonly name: string;
  /** Why the library refuses such a token. */
  readonly why: string;
  /** The reasons the library gives for it. */
  readonly reasons: readonly InvalidTokenReason[];
  readonly applies: (parts: Parts, nowSec: number) => boolean;
}

/** Every documented difference: where the library refuses a token jsonwebtoken accepts. */
export const STRICTER_CHECKS: readonly StricterCheck[] = [
  {
    name: 'non-canonical base64url signature',
    why: 'a lax decoder ignores the spare low bits of the last character, so one signature would have several token strings, and a deny-list or replay cache keyed on the string could be sidestepped (RFC 7515 §2, RFC 4648 §3.5)',
    reasons: ['malformed'],
    applies: ({ segments }) => segments.length === 3 && segments[2] !== ''
      && Buffer.from(segments[2], 'base64url').toString('base64url') !== segments[2],
  },
  {
    name: 'header or payload segment of 4n+1 characters',
    why: 'no byte string encodes to that length in base64url; jsonwebtoken drops the stray character',
    reasons: ['malformed'],
    applies: ({ segments }) => segments.slice(0, 2).some((segment) => segment.length % 4 === 1),
  },
  {
    name: 'header or payload not UTF-8',
    why: 'RFC 7515 §5.2 and RFC 7519 §7.2: the segments are UTF-8 JSON; jsonwebtoken reads the header as Latin-1 and replaces bad payload bytes with U+FFFD, so different bytes would yield the same claims',
    reasons: ['malformed'],
    applies: ({ segments }) => segments.slice(0, 2).some((segment) => !isUtf8(Buffer.from(segment, 'base64url'))),
  },
  {
    name: 'payload not a JSON object',
    why: 'RFC 7519 §7.2 step 10: a JWT claims set is a JSON object; jsonwebtoken returns any other payload (a string, an array) as the claims',
    reasons: ['malformed'],
    applies: ({ payload }) => !isObject(payload),
  },
  {
    name: 'crit header',
    why: 'RFC 7515 §4.1.11: a token listing an extension the verifier does not understand must be refused; jsonwebtoken ignores crit',
    reasons: ['unsupported_extension', 'malformed'],
    applies: ({ header }) => has(header, 'crit'),
  },
  {
    name: 'kid not a string',
    why: 'RFC 7515 §4.1.4: kid is a string',
    reasons: ['malformed'],
    applies: ({ header }) => has(header, 'kid') && typeof member(header, 'kid') !== 'string',
  },
  {
    name: 'iss or sub not a string',
    why: 'RFC 7519 §4.1.1-4.1.2: StringOrURI; sub is the user\'s identity, so sub: 1 and sub: "1" must not both pass',
    reasons: ['malformed'],
    applies: ({ payload }) => ['iss', 'sub'].some((claim) => has(payload, claim) && typeof member(payload, claim) !== 'string'),
  },
  {
    name: 'exp, nbf or iat not a finite number',
    why: 'RFC 7519 §2 NumericDate; jsonwebtoken, told to ignore exp and nbf, reads none of them',
    reasons: ['malformed'],
    applies: ({ payload }) => ['exp', 'nbf', 'iat'].some((claim) => {
      const value = member(payload, claim);
      return has(payload, claim) && !(typeof value === 'number' && Number.isFinite(value));
    }),
  },
  {
    name: 'times checked against the clock',
    why: 'the library checks exp, nbf and iat on every token; the reference is told to ignore exp and nbf, and never checks iat',
    reasons: ['expired', 'not_yet_valid'],
    applies: ({ payload }, nowSec) => {
      const exp = member(payload, 'exp');
      const nbf = member(payload, 'nbf');
      const iat = member(payload, 'iat');
      return (typeof exp === 'number' && nowSec >= exp) || (typeof nbf === 'number' && nbf > nowSec) || (typeof iat === 'number' && iat > nowSec);
    },
  },
];

/** The outcome of one comparison, for the assertion and for counting which differences a corpus exercised. */
export interface Comparison {
  readonly token: string;
  readonly library: Decision;
  readonly reference: Decision;
  /** The stricter checks that apply to the token (computed whatever the decisions). */
  readonly stricter: readonly string[];
}

/** Runs both verifiers on `token`. */
export function compare(token: string, algorithm: Algorithm, key: KeyObject, nowMs: number): Comparison {
  const parts = partsOf(token);
  const nowSec = Math.floor(nowMs / 1000);
  return {
    token,
    library: libraryDecision(token, algorithm, key, nowMs),
    reference: referenceDecision(token, algorithm, key),
    stricter: STRICTER_CHECKS.filter((check) => check.applies(parts, nowSec)).map((check) => check.name),
  };
}

/**
 * Asserts the differential property on one comparison: the library accepts only what the
 * reference accepts, with the same claims; where only the reference accepts, a documented
 * stricter check applies and the library's reason is one that check gives.
 */
export function expectNoUndocumentedDifference(comparison: Comparison): void {
  const { library, reference, stricter } = comparison;
  if (library.accepted) {
    expect({ token: comparison.token, reference }).toEqual({ token: comparison.token, reference: { accepted: true, payload: library.payload } });
    return;
  }
  if (!reference.accepted) return;
  const reasons = STRICTER_CHECKS.filter((check) => stricter.includes(check.name)).flatMap((check) => check.reasons);
  // On failure, the token and both decisions are in the message.
  expect({ token: comparison.token, refusedFor: library.reason, explainedBy: stricter, explained: reasons.includes(library.reason as InvalidTokenReason) })
    .toEqual({ token: comparison.token, refusedFor: library.reason, explainedBy: stricter, explained: true });
}

/** The stricter checks that decided a difference (the reference accepted, the library refused). */
export function differencesOf(comparisons: readonly Comparison[]): Set<string> {
  return new Set(comparisons.filter((item) => !item.library.accepted && item.reference.accepted).flatMap((item) => item.stricter));
}
