import { type PathConversion, type PathSyntax, toOpenApiPaths } from './express-paths';

/**
 * The fields of an Express router layer that route reading uses. They are internal to Express
 * (and to its `router` package in Express 5); `__tests__/openapi/router-internals.test.ts`
 * pins each one on both majors, so an upgrade that moves them fails there first.
 */
export interface RouterLayer {
  /** The middleware, router or route dispatcher (both majors). */
  readonly handle?: unknown;
  /** The route of an `app.get()`/`app.route()` layer (both majors). */
  readonly route?: unknown;
  /** Express 5 (router ≥ 2.3): the registered path, as `router.listRoutes()` reports it. */
  readonly rawPath?: unknown;
  /** Express 5: `true` for a layer mounted at `/`. */
  readonly slash?: unknown;
  /** Express 4: the compiled mount path; `fast_slash` is `true` for `/`. */
  readonly regexp?: unknown;
  /** Express 4: the names of the mount path's parameters, in order. */
  readonly keys?: unknown;
}

const ROOT: PathConversion = Object.freeze({ templates: Object.freeze(['/']) });

// The tail path-to-regexp 0.1 appends to a non-strict, non-ending path: an optional slash,
// then a look-ahead for a slash or the end.
const EXPRESS4_TAIL = '\\/?(?=\\/|$)';
// A required `:name` segment, as path-to-regexp 0.1 writes it without a constraint.
const EXPRESS4_PARAM = '(?:\\/([^/]+?))';
const EXPRESS4_LITERAL = /^[A-Za-z0-9\-_~!$&',;=@%]/;

function keyNames(keys: unknown): (string | undefined)[] {
  if (!Array.isArray(keys)) return [];
  return keys.map((key: unknown) => {
    const name = (key as { name?: unknown } | null)?.name;
    return typeof name === 'string' || typeof name === 'number' ? String(name) : undefined;
  });
}

/** Reads back one alternative of an Express 4 mount regexp made from a plain string path. */
function reverseExpress4(source: string, names: (string | undefined)[], next: { index: number }): string | undefined {
  if (!source.startsWith('^') || !source.endsWith(EXPRESS4_TAIL)) return undefined;
  let body = source.slice(1, -EXPRESS4_TAIL.length);
  let path = '';
  while (body !== '') {
    if (body.startsWith(EXPRESS4_PARAM) && !body.startsWith(`${EXPRESS4_PARAM}?`)) {
      const name = names[next.index] ?? `param${next.index}`;
      next.index++;
      path += `/{${name}}`;
      body = body.slice(EXPRESS4_PARAM.length);
    } else if (body.startsWith('\\/') || body.startsWith('\\.')) {
      path += body[1];
      body = body.slice(2);
    } else if (EXPRESS4_LITERAL.test(body)) {
      path += body[0];
      body = body.slice(1);
    } else {
      return undefined;
    }
  }
  return path === '' ? '/' : path;
}

function express4Mount(layer: RouterLayer): PathConversion {
  const { regexp } = layer;
  if (!(regexp instanceof RegExp)) return { reason: 'a path Express 4 keeps no regexp for' };
  if ((regexp as RegExp & { fast_slash?: unknown }).fast_slash === true) return ROOT;
  const names = keyNames(layer.keys);
  const next = { index: 0 };
  // An array of paths is compiled into alternatives joined by '|'.
  const templates = regexp.source.split('|^').map((part, index) => reverseExpress4(index === 0 ? part : `^${part}`, names, next));
  if (templates.some((template) => template === undefined)) {
    return { reason: 'a path that is not a plain string of literal segments and :name parameters' };
  }
  return { templates: templates as string[] };
}

function express5Mount(layer: RouterLayer): PathConversion {
  if (layer.slash === true) return ROOT;
  const { rawPath } = layer;
  if (rawPath === undefined) return { reason: 'a path that Express 5 before 5.3 (router before 2.3) does not keep' };
  const paths = Array.isArray(rawPath) ? rawPath : [rawPath];
  const templates: string[] = [];
  for (const path of paths) {
    const conversion = toOpenApiPaths(path, 'express5');
    if (conversion.reason !== undefined) return conversion;
    templates.push(...conversion.templates);
  }
  return { templates };
}

/**
 * The OpenAPI templates of the path a middleware or router layer is mounted at (`app.use(path,
 * ...)`), or why it cannot be read. Express 5 (router ≥ 2.3) keeps the path as registered;
 * Express 4 keeps only a compiled regexp, which is read back when it comes from literal
 * segments and `:name` parameters (also several of them, from an array of paths).
 *
 * @example
 * ```ts
 * mountPathsOf(layer, 'express4'); // { templates: ['/api/{version}'] } for app.use('/api/:version', router)
 * ```
 */
export function mountPathsOf(layer: RouterLayer, syntax: PathSyntax): PathConversion {
  return syntax === 'express4' ? express4Mount(layer) : express5Mount(layer);
}
