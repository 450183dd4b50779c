import type { Response } from 'supertest';
import type { Probe } from './apps';
import type { InvalidTokenReason } from '../../lib';
import { expectRejection, invalidTokenRejection } from './expectations';


/**
 * Asserts a complete 401 `invalid_token` rejection with `reason` (and `claim`, or no claim
 * member when `undefined`), and that the handler did not run.
 */
export function expectInvalidToken(res: Response, probe: Probe, reason: InvalidTokenReason, claim?: string): void {
  expectRejection(res, probe, invalidTokenRejection(reason));
  expect((JSON.parse(res.text) as Record<string, unknown>).claim).toBe(claim);
}

/**
 * Asserts a complete 503 `temporarily_unavailable`: `Retry-After` in whole seconds (exactly
 * `retryAfterSec` when given), no `WWW-Authenticate` (other credentials would not help), a
 * problem+json body, no caching, and the handler not run.
 */
export function expectUnavailable(res: Response, probe: Probe, retryAfterSec?: number): void {
  expect(res.status).toBe(503);
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  if (retryAfterSec !== undefined) expect(res.headers['retry-after']).toBe(String(retryAfterSec));
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toEqual({
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'The keys to verify the access token are unavailable; try again later.',
    error: 'temporarily_unavailable',
  });
  expect(probe.handlerRan).toBe(false);
  expect(probe.appErrors).toEqual([]);
}
