import type express from 'express';
import type { Express } from 'express';
import type { IncomingMessage } from 'node:http';
import {
  type AnyAuthenticationError,
  JWTAuthenticationBackend,
  type JWTAuthenticationBackendOptions,
  type KeyResolutionOptions,
  type KeyResolverFunction,
  renderAuthenticationError,
} from '../../lib';
import { MONOTONIC_CLOCK } from '../../lib/keys/remote-key-set';
import { buildApp, type Probe } from '../helpers/apps';
import { type ManualClock, manualClock } from '../helpers/manual-clock';

/** An app whose backend finds keys with a resolver, with the resolver's calls and the errors answered. */
export interface ResolverApp {
  readonly app: Express;
  readonly probe: Probe;
  readonly clock: ManualClock;
  readonly backend: JWTAuthenticationBackend;
  /** The tenant (`x-tenant` header) of each call to the resolver, in order. */
  readonly calls: (string | undefined)[];
  /** The authentication errors answered, for their `cause`. */
  readonly answered: AnyAuthenticationError[];
}

/** The tenant a request names in its `x-tenant` header. */
export const tenantOf = (req: IncomingMessage): string | undefined => {
  const value = req.headers['x-tenant'];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Builds `GET /probe` behind a backend whose keys come from `resolver` (counted in `calls`),
 * RS256 and a per-tenant cache key unless `options` say otherwise, with a manual clock for the
 * token times and the resolution cache's age and cooldown.
 */
export function resolverApp(
  resolver: KeyResolverFunction,
  options: Partial<JWTAuthenticationBackendOptions> = {},
  expressFactory?: typeof express,
): ResolverApp {
  const clock = manualClock();
  const calls: (string | undefined)[] = [];
  const answered: AnyAuthenticationError[] = [];
  const counted: KeyResolverFunction = (req, header, payload) => {
    calls.push(tenantOf(req));
    return resolver(req, header, payload);
  };
  const resolution: KeyResolutionOptions = {
    cacheKey: (req, header) => `${tenantOf(req) ?? ''}|${String(header.kid)}`,
    timeoutMs: 200,
    ...options.keyResolution,
  };
  const backend = new JWTAuthenticationBackend({
    algorithms: ['RS256'],
    clock: clock.now,
    ...options,
    keyResolver: counted,
    keyResolution: Object.assign(resolution, { [MONOTONIC_CLOCK]: clock.monotonic }),
  });
  const { app, probe } = buildApp({
    backend,
    expressFactory,
    middleware: {
      onError: (err, req, res, next) => {
        answered.push(err);
        renderAuthenticationError(err, req, res, next);
      },
    },
  });
  return { app, probe, clock, backend, calls, answered };
}
