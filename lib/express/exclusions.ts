import type { IncomingMessage } from 'node:http';
import { pathToRegexp } from 'path-to-regexp';

/**
 * A path that skips authentication: Express path syntax (`'/login'`, `'/docs/*rest'`) or a RegExp.
 *
 * @example
 * ```ts
 * const exclude: ExcludePattern[] = ['/login', '/docs/*rest', /^\/health$/];
 * ```
 */
export type ExcludePattern = string | RegExp;

/** Decides whether a request skips authentication. */
export type ExclusionTest = (req: IncomingMessage & { originalUrl?: string }) => boolean;

const OWNER = 'authenticationMiddleware';

function compile(pattern: unknown): RegExp {
  // Without `g`/`y`, whose `lastIndex` would make `test` answer differently on every request.
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
    throw new TypeError(`${OWNER}: each "exclude" pattern must be a path starting with "/" or a RegExp.`);
  }
  try {
    // Anchored at both ends, like an Express route: '/login' never matches '/login-history'.
    return pathToRegexp(pattern, { end: true, trailing: true, sensitive: false }).regexp;
  } catch (cause) {
    throw new TypeError(`${OWNER}: "exclude" pattern ${JSON.stringify(pattern)} is not valid Express path syntax.`, { cause });
  }
}

function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  // The full path, including where a router is mounted; the query string never matters.
  const url = req.originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Compiles the `exclude` and `excludeMethods` options once into one test. String patterns are
 * Express path syntax, anchored, matched case-insensitively against the path of
 * `req.originalUrl`; a RegExp is tested against that path as it is (anchor it yourself).
 *
 * @example
 * ```ts
 * const skips = compileExclusions(['/login', '/docs/*rest', /^\/health$/], ['OPTIONS']);
 * skips(req); // true for OPTIONS anywhere, and for those paths
 * ```
 */
export function compileExclusions(patterns: unknown, methods: unknown): ExclusionTest {
  if (!Array.isArray(patterns)) throw new TypeError(`${OWNER}: "exclude" must be an array of paths or RegExps.`);
  if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string' && method !== '')) {
    throw new TypeError(`${OWNER}: "excludeMethods" must be an array of HTTP method names.`);
  }
  const regexps = patterns.map(compile);
  const methodSet = new Set(methods.map((method: string) => method.toUpperCase()));
  return function isExcluded(req) {
    if (methodSet.has(req.method ?? '')) return true;
    if (regexps.length === 0) return false;
    const path = pathOf(req);
    return regexps.some((regexp) => regexp.test(path));
  };
}
