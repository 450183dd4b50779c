import type { IncomingMessage } from 'node:http';
import type { Challenge } from '../core/challenge';
import { CrossSiteRequestError } from '../errors';

// RFC 9110 §9.2.1: the methods that change nothing need no protection.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a state-changing request authenticated by a cookie unless it comes from the
 * request's own origin or a trusted one (cross-site request forgery protection).
 *
 * The order follows what browsers send: `Sec-Fetch-Site` (all current browsers) must be
 * `same-origin` or `none` (typed by the user); without it, an `Origin` header must name the
 * request's `Host`. A request with neither did not come from a browser page of another site
 * (browsers send `Origin` on every cross-origin POST), so it passes. An origin in `trusted`
 * always passes.
 *
 * @example
 * ```ts
 * checkSameOrigin(req, new Set(['https://admin.example.com']), challenge);
 * ```
 */
export function checkSameOrigin(req: IncomingMessage, trusted: ReadonlySet<string>, challenge: Challenge): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  if (origin !== undefined && trusted.has(origin)) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new CrossSiteRequestError({ challenge });
  }
  if (origin === undefined) return;
  const host = req.headers.host;
  if (host !== undefined && hostOf(origin) === host.toLowerCase()) return;
  throw new CrossSiteRequestError({ challenge });
}

/**
 * Validates `trustedOrigins` at construction: each must be a bare origin such as
 * `https://app.example.com` (no path, no trailing slash), as browsers write `Origin`.
 */
export function readTrustedOrigins(owner: string, origins: unknown): ReadonlySet<string> {
  if (origins === undefined) return new Set();
  const isOrigin = (value: unknown): boolean => {
    if (typeof value !== 'string') return false;
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  };
  if (!Array.isArray(origins) || !origins.every(isOrigin)) {
    throw new TypeError(`${owner}: "trustedOrigins" must be an array of origins such as "https://app.example.com" (no path, no trailing slash).`);
  }
  return new Set(origins as string[]);
}
