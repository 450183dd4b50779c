import { parse, type Token } from 'path-to-regexp';

/** The path syntax of a router: Express 4's path-to-regexp 0.1, or Express 5's path-to-regexp 8. */
export type PathSyntax = 'express4' | 'express5';

/** OpenAPI path templates for one Express path, or why there are none. */
export type PathConversion =
  | { readonly templates: readonly string[]; readonly reason?: undefined }
  | { readonly templates?: undefined; readonly reason: string };

// What a literal piece of an OpenAPI template cannot hold: braces would read as a parameter.
const BRACES = /[{}]/;

/** A path the conversion cannot express; its message completes "a path with ...". */
class UnsupportedPath extends Error {}

/** Every template of Express 5 tokens: an optional group gives the path with and without it. */
function expand5(tokens: readonly Token[]): string[] {
  let results = [''];
  for (const token of tokens) {
    if (token.type === 'text') {
      if (BRACES.test(token.value)) throw new UnsupportedPath('a literal brace');
      results = results.map((result) => result + token.value);
    } else if (token.type === 'param' || token.type === 'wildcard') {
      // A wildcard spans segments, which an OpenAPI parameter cannot; {name} is the closest.
      results = results.map((result) => `${result}{${token.name}}`);
    } else {
      const inner = expand5(token.tokens);
      results = results.flatMap((result) => [result, ...inner.map((piece) => result + piece)]);
    }
  }
  return results;
}

// path-to-regexp 0.1 (Express 4): the same tokens its own replace() finds.
const EXPRESS4_TOKENS = /\\.|(\/)?(\.)?:(\w+)(\(.*?\))?(\*)?(\?)?|[.*]|\/\(/g;
// Outside tokens, path-to-regexp 0.1 leaves these as regular expression syntax.
const EXPRESS4_REGEX_CHARS = /[()[\]+?^$|{}\\]/;

function expand4(path: string): string[] {
  let results = [''];
  let position = 0;
  let unnamed = 0;
  const addLiteral = (text: string): void => {
    if (EXPRESS4_REGEX_CHARS.test(text)) throw new UnsupportedPath('regular expression syntax');
    results = results.map((result) => result + text);
  };
  for (const match of path.matchAll(EXPRESS4_TOKENS)) {
    // A constraint such as (\\d+) narrows the value, and a star lets it span segments; the
    // template keeps only the name.
    const [token, slash = '', format = '', name, , , optional] = match;
    addLiteral(path.slice(position, match.index));
    position = match.index + token.length;
    if (token.startsWith('\\')) {
      results = results.map((result) => result + token.slice(1));
    } else if (token === '.') {
      results = results.map((result) => `${result}.`);
    } else if (token === '*') {
      results = results.map((result) => `${result}{${unnamed++}}`);
    } else if (token === '/(') {
      throw new UnsupportedPath('an unnamed group');
    } else {
      const piece = `${slash}${format}{${name}}`;
      results = optional === undefined ? results.map((result) => result + piece) : results.flatMap((result) => [result, result + piece]);
    }
  }
  addLiteral(path.slice(position));
  return results;
}

/**
 * Converts an Express route path into OpenAPI path templates: `/users/:id` → `/users/{id}`.
 * Express 5 syntax (path-to-regexp 8): an optional group `{/:id}` gives two templates, with
 * and without it; a wildcard `*rest` becomes `{rest}` (an approximation: an OpenAPI parameter
 * cannot span segments). Express 4 syntax (path-to-regexp 0.1): `:id?` gives two templates,
 * a constraint `:id(\\d+)` is dropped, `*` becomes `{0}`, `{1}`... A RegExp, an unnamed group,
 * or regular expression characters in a string path give a `reason` instead.
 *
 * @example
 * ```ts
 * toOpenApiPaths('/users/:id{/:tab}', 'express5'); // { templates: ['/users/{id}', '/users/{id}/{tab}'] }
 * toOpenApiPaths(/^\/re/, 'express5');             // { reason: 'a RegExp path' }
 * ```
 */
export function toOpenApiPaths(path: unknown, syntax: PathSyntax): PathConversion {
  if (path instanceof RegExp) return { reason: 'a RegExp path' };
  if (typeof path !== 'string') return { reason: 'a path that is not a string' };
  try {
    const templates = syntax === 'express5' ? expand5(parse(path).tokens) : expand4(path);
    return { templates: [...new Set(templates.map((template) => (template.startsWith('/') ? template : `/${template}`)))] };
  } catch (err) {
    if (err instanceof UnsupportedPath) return { reason: `a path with ${err.message}` };
    return { reason: 'a path that is not valid Express path syntax' };
  }
}

/**
 * Joins a mount path and a path below it, as Express matches them: `joinPaths('/api', '/')` is
 * `/api`, `joinPaths('', '/users')` is `/users`.
 *
 * @example
 * ```ts
 * joinPaths('/api/', '/users/{id}'); // '/api/users/{id}'
 * ```
 */
export function joinPaths(prefix: string, path: string): string {
  const base = prefix.replace(/\/+$/, '');
  if (path === '/' || path === '') return base === '' ? '/' : base;
  return base + (path.startsWith('/') ? path : `/${path}`);
}

/**
 * The key two templates share when Express would route them alike: lower-case (Express
 * matches case-insensitively by default), parameter names dropped, no trailing slash.
 *
 * @example
 * ```ts
 * pathKey('/Users/{userId}/'); // '/users/{}'
 * ```
 */
export function pathKey(template: string): string {
  const key = template.toLowerCase().replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '');
  return key === '' ? '/' : key;
}
