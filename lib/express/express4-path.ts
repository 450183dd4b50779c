// Express 4 compiles string paths with path-to-regexp 0.1 (0.1.13 in Express 4.22), which this
// package cannot depend on beside path-to-regexp 8 under the same name. This is the string
// branch of its `pathToRegexp` (MIT, © Blake Embrey), with the options `exclude` uses; the keys
// it collects are left out. `__tests__/express/express4-path.test.ts` compares its output with
// the copy Express 4 installs, pattern by pattern, so that a drift fails there.

// `\x`, `[/][.]:name[(constraint)][*][?]`, a lone `.` or `*`, and `/(`.
const TOKENS = /\\.|(\/)?(\.)?:(\w+)(\(.*?\))?(\*)?(\?)?|[.*]|\/\(/g;

/**
 * Compiles an Express 4 path (`/users/:id`, `/files/:name?`, `/docs/*`, `/:id(\\d+)`) into the
 * regular expression Express 4 routes it with: anchored at both ends, an optional trailing
 * slash, case-insensitive. Throws a `SyntaxError` when the result is not a valid regular
 * expression (`/a/(b`).
 *
 * @example
 * ```ts
 * express4PathRegExp('/files/:name?').test('/files'); // true
 * ```
 */
export function express4PathRegExp(path: string): RegExp {
  let backtrack = '';
  let pos = 0;
  const source = path.replace(
    TOKENS,
    (match: string, slash: string | undefined, format: string | undefined, _key: string, capture: string | undefined, star: string | undefined, optional: string | undefined, offset: number) => {
      if (match.startsWith('\\')) {
        backtrack += match;
        pos += 2;
        return match;
      }
      if (match === '.') {
        backtrack += '\\.';
        pos += 1;
        return '\\.';
      }
      backtrack = slash !== undefined || format !== undefined ? '' : backtrack + path.slice(pos, offset);
      pos = offset + match.length;
      if (match === '*') {
        backtrack = '';
        return '(.*)';
      }
      if (match === '/(') {
        backtrack += '/';
        return '/(?:';
      }
      const dot = format === undefined ? '' : '\\.';
      // 0.1.10+: a parameter that follows text in its segment may not run into that text again
      // (its fix for catastrophic backtracking, CVE-2024-45296).
      const value = capture === undefined
        ? backtrack === '' ? `([^/${dot}]+?)` : `((?:(?!/|${backtrack}).)+?)`
        : capture.replace(/\\.|\*/, (found) => (found === '*' ? '(.*)' : found));
      backtrack = '';
      return `(?:${dot}${slash ?? ''}${value}${star === undefined ? '' : `((?:[/${dot}].+?)?)`})${optional ?? ''}`;
    },
  );
  const trailing = source.endsWith('/') ? '?' : '/?';
  return new RegExp(`^${source}${trailing}$`, 'i');
}
