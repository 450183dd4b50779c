import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Challenge } from '../core/challenge';
import { CrossSiteRequestError } from '../errors';

// RFC 9110 §9.2.1: the methods that change nothing need no protection.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The serialized origin of a URL (`scheme://host[:port]`, default port dropped), or `undefined`. */
function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    // Opaque origins (`null`, `data:`, `file:`) are never anyone's own.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The origin this request was sent to, from the connection's scheme and the `Host` header:
 * `https` when the socket is TLS, else `http`. A `Host` that is not a bare `host[:port]` (a path,
 * user info) names no origin.
 */
export function ownOriginOf(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return undefined;
  // As Express's `req.protocol` without `trust proxy`: only the connection says TLS. A request
  // object built by hand may have no socket.
  const socket = req.socket as Socket | undefined;
  const scheme = socket !== undefined && 'encrypted' in socket && socket.encrypted === true ? 'https' : 'http';
  try {
    const url = new URL(`${scheme}://${host}`);
    const bare = url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === '';
    return bare ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a state-changing request authenticated by a cookie unless it comes from the
 * request's own origin or a trusted one (cross-site request forgery protection).
 *
 * The order follows what browsers send: `Sec-Fetch-Site` (all current browsers) must be
 * `same-origin` or `none` (typed by the user). Without it, the `Origin` header, or failing that
 * the origin of the `Referer`, must be the request's own origin: scheme, host and port. The own
 * origin is `expectedOrigin` when given (behind a TLS-terminating proxy, where the connection is
 * plain HTTP and the browser's origin is `https://...`); otherwise it is `https` on a TLS
 * connection or `http`, with the `Host` header. An origin in `trusted` always passes.
 *
 * A request with none of the three passes: every browser that lacks `Sec-Fetch-Site` sends
 * `Origin` on cross-origin POSTs (Chrome since 2012, Safari, Firefox since 70) or a `Referer`
 * unless the page suppresses it, and for the few old versions that send neither, the cookie's
 * `SameSite=Lax` default keeps it off cross-site POSTs. Non-browser clients that hold the cookie
 * (scripts, tests) send none of these headers and keep working.
 *
 * @example
 * ```ts
 * checkSameOrigin(req, new Set(['https://admin.example.com']), challenge);
 * // Behind a proxy that terminates TLS:
 * checkSameOrigin(req, new Set(), challenge, 'https://app.example.com');
 * ```
 */
export function checkSameOrigin(
  req: IncomingMessage,
  trusted: ReadonlySet<string>,
  challenge: Challenge,
  expectedOrigin?: string,
): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  const { origin, referer } = req.headers;
  if (origin !== undefined && trusted.has(origin)) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new CrossSiteRequestError({ challenge });
  }
  let claimed: string | undefined;
  if (origin !== undefined) claimed = originOf(origin);
  else if (referer !== undefined) claimed = originOf(referer);
  else return;
  if (claimed !== undefined && (trusted.has(claimed) || claimed === (expectedOrigin ?? ownOriginOf(req)))) return;
  throw new CrossSiteRequestError({ challenge });
}

/** Whether `value` is a serialized origin as browsers write `Origin`; `web` also requires http(s). */
function isOrigin(value: unknown, web = false): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.origin === value && (!web || url.protocol === 'https:' || url.protocol === 'http:');
  } catch {
    return false;
  }
}

/**
 * Validates `trustedOrigins` at construction: each must be a bare origin such as
 * `https://app.example.com` (no path, no trailing slash), as browsers write `Origin`.
 *
 * @example
 * ```ts
 * const trusted = readTrustedOrigins('MyBackend', ['https://admin.example.com']);
 * ```
 */
export function readTrustedOrigins(owner: string, origins: unknown): ReadonlySet<string> {
  if (origins === undefined) return new Set();
  if (!Array.isArray(origins) || !origins.every((origin) => isOrigin(origin))) {
    throw new TypeError(`${owner}: "trustedOrigins" must be an array of origins such as "https://app.example.com" (no path, no trailing slash).`);
  }
  return new Set(origins as string[]);
}

/**
 * Validates `expectedOrigin` at construction: the one origin browsers use to reach this app
 * (`https://app.example.com`, no path, no trailing slash, default port omitted), which replaces
 * the origin derived from the connection and the `Host` header. Set it behind a proxy that
 * terminates TLS: the app sees plain HTTP, so without it the own origin would be `http://...`,
 * refusing every browser (`Origin: https://...`) and accepting a page served over plain HTTP.
 * Other origins allowed to post belong in `trustedOrigins`. Default: `undefined` (derived).
 *
 * @example
 * ```ts
 * const expected = readExpectedOrigin('MyBackend', 'https://app.example.com');
 * checkSameOrigin(req, trusted, challenge, expected);
 * ```
 */
export function readExpectedOrigin(owner: string, origin: unknown): string | undefined {
  if (origin === undefined) return undefined;
  if (!isOrigin(origin, true)) {
    throw new TypeError(`${owner}: "expectedOrigin" must be an origin such as "https://app.example.com" (http or https, no path, no trailing slash, no default port).`);
  }
  return origin;
}
