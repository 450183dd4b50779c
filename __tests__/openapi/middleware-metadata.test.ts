import express from 'express';
import { compileExclusions } from '../../lib/express/exclusions';
import { middlewareMetadataOf, tagMiddleware } from '../../lib/express/middleware-metadata';
import { jwtBackend } from '../helpers/apps';
import { taggedMiddleware } from './openapi-helpers';

describe('authentication middleware metadata', () => {
  it('reads back the backends and the exclusion test a middleware was tagged with', () => {
    const backend = jwtBackend();
    const handler = taggedMiddleware(backend, { exclude: ['/login'] });
    const metadata = middlewareMetadataOf(handler);
    expect(metadata?.backends).toEqual([backend]);
    const probe = (method: string, url: string): boolean =>
      metadata?.isExcluded({ method, url, originalUrl: url } as never) ?? false;
    expect(probe('POST', '/login')).toBe(true);
    expect(probe('GET', '/me')).toBe(false);
    expect(probe('OPTIONS', '/me')).toBe(true);
  });

  it('keeps a frozen copy of the backend list', () => {
    const backends = [jwtBackend()];
    const handler = tagMiddleware(() => undefined, { backends, isExcluded: compileExclusions([], []) });
    backends.push(jwtBackend());
    expect(middlewareMetadataOf(handler)?.backends).toHaveLength(1);
    expect(Object.isFrozen(middlewareMetadataOf(handler))).toBe(true);
  });

  it('is not enumerable, so it never shows in logs or JSON', () => {
    const handler = tagMiddleware(function authenticationMiddleware() { return undefined; }, { backends: [], isExcluded: compileExclusions([], []) });
    expect(Object.keys(handler)).toEqual([]);
  });

  it('refuses to tag a handler twice', () => {
    const handler = tagMiddleware(() => undefined, { backends: [], isExcluded: compileExclusions([], []) });
    expect(() => tagMiddleware(handler, { backends: [], isExcluded: compileExclusions([], []) })).toThrow(TypeError);
  });

  it('returns undefined for any other handler or value', () => {
    expect(middlewareMetadataOf(express.json())).toBeUndefined();
    expect(middlewareMetadataOf(undefined)).toBeUndefined();
    expect(middlewareMetadataOf({})).toBeUndefined();
  });
});
