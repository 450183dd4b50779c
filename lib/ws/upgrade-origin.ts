import type { IncomingMessage } from 'node:http';
import { ownOriginOf } from '../cookie/same-origin';
import type { Challenge } from '../core/challenge';
import { CrossSiteRequestError } from '../errors';

/**
 * Refuses (403 `cross_site_request`) a connection whose credentials the browser attached by
 * itself (a cookie) when it was opened by a page of another origin: cross-site WebSocket
 * hijacking. Browsers send cookies with a cross-site WebSocket handshake whatever `SameSite=Lax`
 * says (the handshake is a top-level-like GET), and no CORS preflight guards it, so the HTTP rule
 * (only state-changing methods are checked) does not fit here: every upgrade is checked.
 *
 * Browsers always send `Origin` with a WebSocket handshake (RFC 6455 §4.1), so it alone decides:
 * it must be the request's own origin (or `expectedOrigin`) or in `trusted`. An opaque `null`
 * origin (a sandboxed frame, a `file:` page) is refused. An upgrade without `Origin` comes from
 * a client that is not a browser, which could write any `Origin` it liked: it passes, as such
 * requests do for HTTP.
 */
export function checkUpgradeOrigin(
  req: IncomingMessage,
  trusted: ReadonlySet<string>,
  challenge: Challenge,
  expectedOrigin: string | undefined,
): void {
  const { origin } = req.headers;
  if (origin === undefined) return;
  if (trusted.has(origin) || origin === (expectedOrigin ?? ownOriginOf(req))) return;
  throw new CrossSiteRequestError({ challenge });
}
