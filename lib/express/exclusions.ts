import type { IncomingMessage } from 'node:http';
import { pathToRegexp } from 'path-to-regexp';
import { express4PathRegExp } from './express4-path';

/**
 * A path that skips authentication, in the path syntax of the Express major that serves the
 * app (`'/docs/*rest'`, `'/files{/:name}'` on Express 5; `'/docs/*'`, `'/files/:name?'` on
 * Express 4), or a RegExp.
 *
 * @example
 * ```ts
 * const exclude: ExcludePattern[] = ['/login', '/docs/*rest', /^\/health$/];
 * ```
 */
export type ExcludePattern = string | RegExp;

/**
 * Decides whether a request skips authentication. `app` is the Express application serving the
 * request (`req.app`), whose major decides the path syntax. Throws a `TypeError` for a pattern
 * written in the other major's syntax.
 */
export type ExclusionTest = (req: IncomingMessage & { originalUrl?: string; app?: unknown }) => boolean;

const OWNER = 'authenticationMiddleware';
const EXPRESS5_EXAMPLES = 'Express 5\'s ("/docs/*rest", "/files{/:name}")';
const EXPRESS4_EXAMPLES = 'Express 4\'s ("/docs/*", "/files/:name?")';

// Literal characters and `:name` parameters only: what both majors read alike. Anything else
// (`*`, `?`, `(`, `{`, `+`, `$`, `|`, `\`...) is syntax of one major, or means another thing in
// the other (path-to-regexp 0.1 leaves regular expression characters as they are).
const PORTABLE = /^(?:[\w\-.~%/@&=,;']|:\w)*$/;
// What only Express 5 means: `{...}` groups, named wildcards `*name`, quoted names `:"name"`.
// Path-to-regexp 0.1 accepts all three but reads them as something else (literal braces,
// `(.*)name`, a literal `:"`), so on Express 4 they would silently match the wrong paths.
const EXPRESS5_ONLY = /[{}]|\*[\p{ID_Start}$_"]|:"/u;

/** The regexps a list of patterns compiles to for one major, or why it cannot compile them. */
type ForMajor = { readonly regexps: readonly RegExp[]; readonly error?: undefined } | { readonly regexps?: undefined; readonly error: TypeError };

function express5(pattern: string): RegExp | Error {
  try {
    // Anchored at both ends, like an Express route: '/login' never matches '/login-history'.
    return pathToRegexp(pattern, { end: true, trailing: true, sensitive: false }).regexp;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function express4(pattern: string): RegExp | Error {
  if (EXPRESS5_ONLY.test(pattern)) return new Error('Express 5 syntax');
  try {
    return express4PathRegExp(pattern);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function wrongMajor(pattern: string, runs: string, examples: string, cause: Error): TypeError {
  return new TypeError(`${OWNER}: "exclude" pattern ${JSON.stringify(pattern)} is not valid path syntax for ${runs}, which serves this app; write it in ${examples} syntax.`, { cause });
}

/**
 * Express 4's application has `lazyrouter()` (it builds `app._router` on first use); Express 5
 * removed it. The same test `readRoutes` makes, and cheap: one property lookup.
 */
function isExpress4(app: unknown): boolean {
  return typeof (app as { lazyrouter?: unknown } | null | undefined)?.lazyrouter === 'function';
}

function matchesAny(regexps: readonly RegExp[], path: string): boolean {
  for (const regexp of regexps) if (regexp.test(path)) return true;
  return false;
}

function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  // The full path, including where a router is mounted; the query string never matters.
  const url = req.originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Compiles the `exclude` and `excludeMethods` options once into one test. String patterns are
 * anchored and matched case-insensitively against the path of `req.originalUrl`, in the path
 * syntax of the Express major that serves the request's app; a RegExp is tested against that
 * path as it is (anchor it yourself). A string pattern valid in neither syntax throws a
 * `TypeError` here; one valid only in the other major's syntax throws it on the requests of an
 * app that runs this major (which only the request can tell: one process may run both).
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
  // Both syntaxes are compiled here, once: a request only picks its app's list.
  const everywhere: RegExp[] = [];
  const only5: RegExp[] = [];
  const only4: RegExp[] = [];
  let error5: TypeError | undefined;
  let error4: TypeError | undefined;
  for (const pattern of patterns as unknown[]) {
    // Without `g`/`y`, whose `lastIndex` would make `test` answer differently on every request.
    if (pattern instanceof RegExp) {
      everywhere.push(new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')));
      continue;
    }
    if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
      throw new TypeError(`${OWNER}: each "exclude" pattern must be a path starting with "/" or a RegExp.`);
    }
    const for5 = express5(pattern);
    const for4 = express4(pattern);
    if (!(for5 instanceof RegExp) && !(for4 instanceof RegExp)) {
      throw new TypeError(`${OWNER}: "exclude" pattern ${JSON.stringify(pattern)} is not valid Express path syntax, neither ${EXPRESS5_EXAMPLES} nor ${EXPRESS4_EXAMPLES}.`, { cause: for5 });
    }
    if (PORTABLE.test(pattern) && for5 instanceof RegExp) {
      everywhere.push(for5);
      continue;
    }
    if (for5 instanceof RegExp) only5.push(for5);
    else error5 ??= wrongMajor(pattern, 'Express 5', EXPRESS5_EXAMPLES, for5);
    if (for4 instanceof RegExp) only4.push(for4);
    else error4 ??= wrongMajor(pattern, 'Express 4', EXPRESS4_EXAMPLES, for4);
  }
  const byMajor = only5.length > 0 || only4.length > 0 || error5 !== undefined || error4 !== undefined;
  const for5: ForMajor = error5 === undefined ? { regexps: only5 } : { error: error5 };
  const for4: ForMajor = error4 === undefined ? { regexps: only4 } : { error: error4 };
  const methodSet = new Set(methods.map((method: string) => method.toUpperCase()));

  return function isExcluded(req) {
    if (methodSet.has(req.method ?? '')) return true;
    if (everywhere.length === 0 && !byMajor) return false;
    const path = pathOf(req);
    if (!byMajor) return matchesAny(everywhere, path);
    // Without an Express app (a bare Node server), Express 5 syntax, this package's own.
    const major = isExpress4(req.app) ? for4 : for5;
    if (major.error !== undefined) throw major.error;
    return matchesAny(everywhere, path) || matchesAny(major.regexps, path);
  };
}
