import type { Response } from 'supertest';
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
