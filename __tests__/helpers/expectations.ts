import type { Response } from 'supertest';
import type { InvalidTokenReason } from '../../lib';
import type { Probe } from './apps';

/** What a rejection must look like. */
export interface ExpectedRejection {
  readonly status: number;
  readonly error: string;
  readonly reason?: string;
  /** The exact `WWW-Authenticate` header. */
  readonly challenge: string;
}

/**
 * Asserts a rejection completely: status, `WWW-Authenticate`, the problem+json body, no
 * caching, and that the route handler did not run.
 */
export function expectRejection(res: Response, probe: Probe, expected: ExpectedRejection): void {
  expect(res.status).toBe(expected.status);
  expect(res.headers['www-authenticate']).toBe(expected.challenge);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status: expected.status, error: expected.error });
  expect(typeof body.detail).toBe('string');
  if (expected.reason !== undefined) expect(body.reason).toBe(expected.reason);
  expect(probe.handlerRan).toBe(false);
  expect(probe.appErrors).toEqual([]);
}

/** The `WWW-Authenticate` value of an `invalid_token` error with the given description. */
export function invalidTokenChallenge(description: string, realm = 'api', scheme = 'Bearer'): string {
  return `${scheme} realm="${realm}", error="invalid_token", error_description="${description}"`;
}

/** The `error_description` of every `invalid_token` reason, as the library writes it. */
export const REASON_DESCRIPTIONS: Readonly<Record<InvalidTokenReason, string>> = {
  malformed: 'The access token is malformed.',
  bad_signature: 'The access token signature is invalid.',
  algorithm_not_allowed: 'The access token is signed with an algorithm that is not allowed.',
  expired: 'The access token has expired.',
  not_yet_valid: 'The access token is not valid yet.',
  claim_mismatch: 'The access token has a claim with an unexpected value.',
  missing_claim: 'The access token lacks a required claim.',
  unknown_key: 'The access token is signed with an unknown key.',
  unknown_user: 'The access token belongs to a user that no longer exists.',
  unsupported_extension: 'The access token requires a header extension this server does not support.',
  too_large: 'The access token is longer than this server accepts.',
  revoked: 'The access token has been revoked.',
  binding_mismatch: 'The access token is bound to another key or certificate than the request proves.',
  dpop_required: 'The access token must be presented with a DPoP proof.',
};

/** The expected 401 `invalid_token` rejection with `reason`, in the default `Bearer realm="api"` challenge. */
export function invalidTokenRejection(reason: InvalidTokenReason): ExpectedRejection {
  return { status: 401, error: 'invalid_token', reason, challenge: invalidTokenChallenge(REASON_DESCRIPTIONS[reason]) };
}
