import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialize, type SerializeOptions } from 'cookie';
import type { Challenge } from '../core/challenge';
import { HTTP_TOKEN } from '../core/grammar';
import { rejectUnknownOptions } from '../core/options';
import type { TokenSource } from '../request/token-source';
import { COOKIE_OPTION_NAMES, type TokenCookieOptions } from './cookie-options';
import { readCookie } from './read-cookie';
import { checkSameOrigin, readExpectedOrigin, readTrustedOrigins } from './same-origin';

// RFC 6265bis §4.1.3: browsers drop `__Secure-` cookies without Secure, and `__Host-` cookies
// that are not Secure, host-only and on `/`; login would seem to work and never stick.
function checkCookiePrefix(owner: string, name: string, { secure, path, domain }: { secure: boolean; path: string; domain?: string }): void {
  if (name.startsWith('__Secure-') && !secure) throw new TypeError(`${owner}: a __Secure- cookie needs secure: true.`);
  if (name.startsWith('__Host-') && (!secure || path !== '/' || domain !== undefined)) {
    throw new TypeError(`${owner}: a __Host- cookie needs secure: true, path '/' and no domain.`);
  }
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

/**
 * The token in a cookie (Litestar's `JWTCookieAuth`). Reading it refuses a cookie sent twice,
 * and a state-changing request (anything but GET, HEAD, OPTIONS, TRACE) from another origin than
 * the request's own or a `trustedOrigins` entry (403 `cross_site_request`): a browser attaches
 * cookies to cross-site requests on its own, unlike an `Authorization` header. `attach` sets the
 * cookie (`HttpOnly` always, `Secure` and `SameSite=Lax` by default, `Max-Age` the token's
 * lifetime); `clear` expires it.
 */
export class CookieTokenSource implements TokenSource {
  /** The name of the cookie. */
  readonly name: string;
  private readonly attributes: Readonly<SerializeOptions>;
  private readonly trustedOrigins: ReadonlySet<string>;
  private readonly expectedOrigin: string | undefined;

  /** Reads and checks the options; every mistake is a `TypeError` naming `owner`. */
  constructor(owner: string, options: TokenCookieOptions, private readonly challenge: Challenge) {
    const label = `${owner} cookie`;
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new TypeError(`${owner}: "cookie" must be an object of cookie options, e.g. { name: 'session' } ({} for the defaults).`);
    }
    rejectUnknownOptions(label, options, COOKIE_OPTION_NAMES);
    const { name = 'token', secure = true, sameSite = 'lax', domain, path = '/' } = options;
    if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
      throw new TypeError(`${label}: "name" must be a cookie name (an HTTP token, without spaces or "=").`);
    }
    if (typeof secure !== 'boolean') throw new TypeError(`${label}: "secure" must be true or false.`);
    if (!['lax', 'strict', 'none'].includes(sameSite)) throw new TypeError(`${label}: "sameSite" must be 'lax', 'strict' or 'none'.`);
    if (sameSite === 'none' && !secure) throw new TypeError(`${label}: sameSite 'none' requires secure cookies; browsers drop the cookie otherwise.`);
    if (domain !== undefined && (typeof domain !== 'string' || domain === '')) throw new TypeError(`${label}: "domain" must be a non-empty string.`);
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`${label}: "path" must start with "/".`);
    checkCookiePrefix(label, name, { secure, path, domain });
    this.name = name;
    this.attributes = Object.freeze({ httpOnly: true, secure, sameSite, path, ...(domain === undefined ? {} : { domain }) });
    // A dry run: `serialize` refuses a domain or path it cannot write; refuse it here, not at login.
    for (const attribute of ['domain', 'path'] as const) {
      try {
        serialize(name, 'x', { [attribute]: this.attributes[attribute] });
      } catch (cause) {
        throw new TypeError(`${label}: "${attribute}" cannot be written into a Set-Cookie header.`, { cause });
      }
    }
    this.trustedOrigins = readTrustedOrigins(label, options.trustedOrigins);
    this.expectedOrigin = readExpectedOrigin(label, options.expectedOrigin);
  }

  read(req: IncomingMessage): string | null {
    const token = readCookie(req.headers.cookie, this.name, this.challenge);
    if (token !== null) checkSameOrigin(req, this.trustedOrigins, this.challenge, this.expectedOrigin);
    return token;
  }

  attach(res: ServerResponse, token: string, expiresIn: number): void {
    appendSetCookie(res, serialize(this.name, token, { ...this.attributes, maxAge: expiresIn }));
  }

  clear(res: ServerResponse): void {
    appendSetCookie(res, serialize(this.name, '', { ...this.attributes, maxAge: 0, expires: new Date(0) }));
  }
}
