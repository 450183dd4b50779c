import express from 'express';
import type { Express } from 'express';
import type { Response } from 'supertest';
import { type FailureThrottle, memoryStore, type Store } from '../../lib';
import { buildApp, jwtBackend, type Probe } from '../helpers/apps';

/** A store whose every operation rejects, as a store does while it cannot be reached. */
export function unreachableStore(): Store {
  const down = (): Promise<never> => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  return {
    get: down, set: down, delete: down, reserve: down, compareAndSwap: down, increment: down, entries: down, publish: down, subscribe: down,
    close: () => memoryStore().close(),
  };
}

/** `GET /probe` behind the middleware with `throttle`, trusting `X-Forwarded-For` from this machine. */
export function throttledApp(throttle: FailureThrottle, expressFactory: typeof express = express): { app: Express; probe: Probe } {
  const built = buildApp({ expressFactory, backend: jwtBackend(), middleware: { throttle } });
  built.app.set('trust proxy', 'loopback');
  return built;
}

/** Asserts a complete 429 of the middleware: `Retry-After` within the window, problem+json, no challenge, handler not run. */
export function expectThrottled(res: Response, probe: Probe, windowSec: number): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSec).toBe(true);
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(JSON.parse(res.text)).toEqual({
    type: 'about:blank', title: 'Too Many Requests', status: 429, error: 'too_many_attempts',
    detail: 'Too many failed authentication attempts; try again after the Retry-After delay.',
  });
  expect(probe.handlerRan).toBe(false);
  expect(probe.appErrors).toEqual([]);
}
