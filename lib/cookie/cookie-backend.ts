import type { IncomingMessage, ServerResponse } from 'node:http';
import { serialize, type SerializeOptions } from 'cookie';
import type { AuthResult } from '../backend';
import { JWTAuthenticationBackend } from '../jwt/jwt-backend';
import { JWT_BACKEND_OPTION_NAMES } from '../jwt/jwt-backend-options';
import type { JWTUser } from '../jwt/jwt-user';
import type { IssuedToken } from '../jwt/sign';
import type { BaseUser } from '../user';
import { COOKIE_OPTION_NAMES, type JWTCookieAuthenticationBackendOptions } from './cookie-backend-options';
import { readCookie } from './read-cookie';
import { checkSameOrigin, readTrustedOrigins } from './same-origin';
import { HTTP_TOKEN } from '../core/grammar';

const OWNER = 'JWTCookieAuthenticationBackend';

// RFC 6265bis §4.1.3: browsers drop `__Secure-` cookies without Secure, and `__Host-` cookies
// that are not Secure, host-only and on `/`; login would seem to work and never stick.
function checkCookiePrefix(name: string, { secure, path, domain }: { secure: boolean; path: string; domain?: string }): void {
  if (name.startsWith('__Secure-') && !secure) throw new TypeError(`${OWNER}: a __Secure- cookie needs secure: true.`);
  if (name.startsWith('__Host-') && (!secure || path !== '/' || domain !== undefined)) {
    throw new TypeError(`${OWNER}: a __Host- cookie needs secure: true, path '/' and no domain.`);
  }
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

/**
 * Authenticates requests by a JWT in the `Authorization` header or, failing that, in a cookie
 * (Litestar's `JWTCookieAuth`). The header wins when both are present. `login` sets the cookie
 * (`HttpOnly` always, `Secure` and `SameSite=Lax` by default, `Max-Age` = the token lifetime);
 * `logout` clears it.
 *
 * State-changing requests (anything but GET, HEAD, OPTIONS, TRACE) authenticated by the cookie
 * must come from the request's own origin or a `trustedOrigins` entry; others get 403
 * `cross_site_request`. Header-authenticated requests are not affected: a browser never adds
 * an `Authorization` header on its own.
 *
 * @example
 * ```ts
 * const backend = new JWTCookieAuthenticationBackend({ secretKey: process.env.JWT_SECRET! });
 * app.use(authenticationMiddleware(backend, { exclude: ['/login'] }));
 * app.post('/login', express.urlencoded({ extended: false }), async (req, res) => {
 *   const user = await checkPassword(req.body);
 *   if (!user) return res.status(401).send('Wrong password');
 *   res.setHeader('Location', '/');
 *   backend.login(res, user.id, { status: 303 });
 * });
 * app.post('/logout', (req, res) => { backend.logout(res); res.redirect(303, '/login'); });
 * ```
 */
export class JWTCookieAuthenticationBackend<TUser extends BaseUser = JWTUser> extends JWTAuthenticationBackend<TUser> {
  /** The name of the cookie that holds the token. */
  readonly cookieName: string;
  private readonly cookieOptions: Readonly<SerializeOptions>;
  private readonly trustedOrigins: ReadonlySet<string>;

  constructor(options: JWTCookieAuthenticationBackendOptions<TUser>) {
    super(options);
    const { cookieName = 'token', secure = true, sameSite = 'lax', domain, path = '/' } = options;
    if (typeof cookieName !== 'string' || !HTTP_TOKEN.test(cookieName)) {
      throw new TypeError(`${OWNER}: "cookieName" must be a cookie name (an HTTP token, without spaces or "=").`);
    }
    if (typeof secure !== 'boolean') throw new TypeError(`${OWNER}: "secure" must be true or false.`);
    if (!['lax', 'strict', 'none'].includes(sameSite)) throw new TypeError(`${OWNER}: "sameSite" must be 'lax', 'strict' or 'none'.`);
    if (sameSite === 'none' && !secure) throw new TypeError(`${OWNER}: sameSite 'none' requires secure cookies; browsers drop the cookie otherwise.`);
    if (domain !== undefined && (typeof domain !== 'string' || domain === '')) throw new TypeError(`${OWNER}: "domain" must be a non-empty string.`);
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`${OWNER}: "path" must start with "/".`);
    checkCookiePrefix(cookieName, { secure, path, domain });
    this.cookieName = cookieName;
    this.cookieOptions = Object.freeze({ httpOnly: true, secure, sameSite, path, ...(domain === undefined ? {} : { domain }) });
    // A dry run: `serialize` refuses a domain or path it cannot write; refuse it here, not at login.
    for (const name of ['domain', 'path'] as const) {
      try {
        serialize(cookieName, 'x', { [name]: this.cookieOptions[name] });
      } catch (cause) {
        throw new TypeError(`${OWNER}: "${name}" cannot be written into a Set-Cookie header.`, { cause });
      }
    }
    this.trustedOrigins = readTrustedOrigins(OWNER, options.trustedOrigins);
  }

  protected override optionNames(): readonly string[] {
    return [...JWT_BACKEND_OPTION_NAMES, ...COOKIE_OPTION_NAMES];
  }

  /**
   * Reads the `Authorization` header first, then the cookie. Returns `null` when neither holds
   * a token; refuses a cookie-authenticated state-changing request from another origin.
   */
  override authenticate(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    const fromHeader = this.authenticateHeader(req);
    if (fromHeader !== null) return fromHeader;
    const { challenge } = this.settings;
    const cookieToken = readCookie(req.headers.cookie, this.cookieName, challenge);
    if (cookieToken === null) return null;
    checkSameOrigin(req, this.trustedOrigins, challenge);
    return this.authenticateToken(cookieToken, req);
  }

  /**
   * Clears the cookie (same name, path and domain, `Max-Age=0`). Send your response after it.
   *
   * @example
   * ```ts
   * app.post('/logout', (req, res) => { backend.logout(res); res.redirect(303, '/login'); });
   * ```
   */
  logout(res: ServerResponse): void {
    appendSetCookie(res, serialize(this.cookieName, '', { ...this.cookieOptions, maxAge: 0, expires: new Date(0) }));
  }

  /** Sets the `Authorization` header and the cookie, which lives as long as the token. */
  protected override attachToken(res: ServerResponse, issued: IssuedToken): void {
    super.attachToken(res, issued);
    appendSetCookie(res, serialize(this.cookieName, issued.token, { ...this.cookieOptions, maxAge: issued.expiresIn }));
  }
}
