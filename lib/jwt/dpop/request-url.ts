import type { IncomingMessage } from 'node:http';

// RFC 9110 §7.2: a host (a name, IPv4, or a bracketed IPv6 address) and an optional port.
const HOST = /^[A-Za-z0-9.:[\]-]+$/;

// RFC 3986 §2.3: unreserved characters, which a percent-encoding needlessly hides.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** RFC 3986 §6.2.2.1-2: percent-encodings upper-cased, and decoded where they hide an unreserved character. */
function normalisePercentEncoding(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : match.toUpperCase();
  });
}

/**
 * The form in which a proof's `htu` and the request's URL are compared (RFC 9449 §4.3): scheme
 * and host lower-cased, a default port dropped, dot segments resolved, percent-encodings
 * normalised (RFC 3986 §6.2.2, §6.2.3), query and fragment left out. `undefined` for anything
 * but an absolute `http`/`https` URL without credentials.
 *
 * @example
 * ```ts
 * normaliseHtu('HTTPS://API.example.com:443/a/../b%7e?q=1'); // 'https://api.example.com/b~'
 * ```
 */
export function normaliseHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  return `${url.origin}${normalisePercentEncoding(url.pathname)}`;
}

/** Where the backend's requests are addressed from outside, read once from `publicBaseUrl`. */
export interface PublicBase {
  /** e.g. `https://api.example.com`; `undefined` to rebuild it from each request. */
  readonly publicOrigin: string | undefined;
  /** A path prefix without a trailing slash, `''` for none. */
  readonly publicPathPrefix: string;
}

/**
 * The URL a request was made to, normalised like {@link normaliseHtu}: the configured public
 * origin and prefix (behind a proxy), or else `https`/`http` by the connection and the `Host`
 * header; the path of Express's `originalUrl` (a router's mount point included), without the
 * query. `undefined` when no valid URL can be made of them (a `Host` header of garbage).
 *
 * @example
 * ```ts
 * requestHtu(req, { publicOrigin: 'https://api.example.com', publicPathPrefix: '' }); // 'https://api.example.com/orders'
 * ```
 */
export function requestHtu(req: IncomingMessage, base: PublicBase): string | undefined {
  const target = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  // A request target in absolute form (RFC 9112 §3.2.2) names its own origin; only the path counts.
  if (!path.startsWith('/')) return undefined;
  if (base.publicOrigin !== undefined) return normaliseHtu(`${base.publicOrigin}${base.publicPathPrefix}${path}`);
  const { host } = req.headers;
  // The Host header must be a host, nothing that would move the path (`a/b`, `a?b`, `a#b`, `a@b`).
  if (host === undefined || !HOST.test(host)) return undefined;
  const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? 'https' : 'http';
  return normaliseHtu(`${scheme}://${host}${path}`);
}
