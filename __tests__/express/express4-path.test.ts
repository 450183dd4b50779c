import fc from 'fast-check';
import { createRequire } from 'node:module';
import { express4PathRegExp } from '../../lib/express/express4-path';

// The path-to-regexp that Express 4 itself loads, resolved from its own package.
type PathToRegexp01 = (path: string, keys: unknown[], options: { strict: boolean; end: boolean; sensitive: boolean }) => RegExp;
const express4Resolve = createRequire(require.resolve('express4/package.json'));
const reference = express4Resolve('path-to-regexp') as PathToRegexp01;
const referenceVersion = (express4Resolve('path-to-regexp/package.json') as { version: string }).version;

/** What Express 4 compiles `path` to, as `exclude` uses it, or the error it throws. */
function expected(path: string): string {
  try {
    const regexp = reference(path, [], { strict: false, end: true, sensitive: false });
    return `/${regexp.source}/${regexp.flags}`;
  } catch (err) {
    return `${(err as Error).name}`;
  }
}

function actual(path: string): string {
  try {
    const regexp = express4PathRegExp(path);
    return `/${regexp.source}/${regexp.flags}`;
  } catch (err) {
    return `${(err as Error).name}`;
  }
}

describe(`express4PathRegExp, against the path-to-regexp ${referenceVersion} Express 4 installs`, () => {
  it('is compared with a 0.1 release', () => {
    expect(referenceVersion).toMatch(/^0\.1\./);
  });

  it.each([
    '/', '/login', '/login/', '/users/:id', '/users/:id/avatar', '/files/:name?', '/docs/*', '/docs/*rest', '/*',
    '/:id(\\d+)', '/:id(\\d+)?', '/:path*', '/file.:ext', '/:name.:ext?', '/a-:b-:c', '/:a-:b', '/user/:id/(profile|settings)',
    '/files{/:name}', '/a|b', '/a$', '/a\\.b', '/a\\*', '/a/(b', '/a[', '/x:', '/:"q"', '/a+', '/caf\u00e9',
  ])('compiles %s as Express 4 does', (path) => {
    expect(actual(path)).toBe(expected(path));
  });

  it('compiles any path of Express 4 syntax characters as Express 4 does', () => {
    const unit = fc.constantFrom('/', ':', 'a', 'b', '1', '.', '*', '?', '(', ')', '\\', '-', '|', '{', '}', '[', ']', '+', '$', '^');
    fc.assert(fc.property(fc.string({ unit, maxLength: 16 }), (tail) => {
      expect(actual(`/${tail}`)).toBe(expected(`/${tail}`));
    }), { numRuns: 3000 });
  });
});
