import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { extractToken } from '../core/bearer';
import type { Challenge } from '../core/challenge';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { DEFAULT_SCOPE_CLAIMS, scopesFromPayload } from '../core/scopes';
import { AuthCredentials } from '../credentials';
import { type Algorithm, isAlgorithm } from './algorithms';
import { JWT_BACKEND_OPTION_NAMES, type JWTAuthenticationBackendOptions } from './jwt-backend-options';
import { JWTUser } from './jwt-user';
import { toVerificationKey } from './keys';
import { createJwtVerifier, type JwtVerifier } from './verify';

const OWNER = 'JWTAuthenticationBackend';
// RFC 7230 §3.2.6 token: what an auth-scheme or a header name may be made of.
const TOKEN_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function text(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new TypeError(`${OWNER}: "${name}" must be a non-empty string.`);
  return value;
}

function httpToken(name: string, value: unknown, fallback: string): string {
  const result = text(name, value, fallback);
  if (!TOKEN_CHARS.test(result)) throw new TypeError(`${OWNER}: "${name}" must be a single HTTP token, without spaces.`);
  return result;
}

function stringList(name: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new TypeError(`${OWNER}: "${name}" must be an array of non-empty strings.`);
  }
  return Object.freeze([...value]);
}

function readAlgorithms(options: JWTAuthenticationBackendOptions): readonly Algorithm[] {
  if (options.algorithm !== undefined && options.algorithms !== undefined) {
    throw new TypeError(`${OWNER}: give "algorithm" or "algorithms", not both.`);
  }
  const list: unknown[] = options.algorithms !== undefined ? [...options.algorithms] : [options.algorithm ?? 'HS256'];
  if (list.length === 0) throw new TypeError(`${OWNER}: "algorithms" must not be empty.`);
  for (const name of list) {
    if (!isAlgorithm(name)) {
      throw new TypeError(`${OWNER}: algorithm ${JSON.stringify(name)} is not supported; use HS/RS/PS/ES 256/384/512 ("none" is never allowed).`);
    }
  }
  return Object.freeze([...new Set(list as Algorithm[])]);
}

function readIssuer(value: unknown): string | readonly string[] | undefined {
  if (value === undefined || (typeof value === 'string' && value !== '')) return value;
  const list = stringList('issuer', value);
  if (list?.length === 0) throw new TypeError(`${OWNER}: "issuer" must not be an empty list.`);
  return list;
}

function readAudience(value: unknown): string | RegExp | readonly (string | RegExp)[] | undefined {
  const isAudience = (item: unknown): boolean => (typeof item === 'string' && item !== '') || item instanceof RegExp;
  if (value === undefined || isAudience(value)) return value as string | RegExp | undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isAudience)) {
    throw new TypeError(`${OWNER}: "audience" must be a non-empty string, a RegExp, or a non-empty array of them.`);
  }
  return Object.freeze([...value]);
}

/**
 * Authenticates requests that carry a JWT in the `Authorization` header (the starlette-jwt
 * backend, done properly). Verifies the signature first, then the claims; on success
 * `req.user` is a {@link JWTUser} and `req.auth` carries `['authenticated', ...scopes]`, the
 * verified `payload` and the raw `token`.
 *
 * @example
 * ```ts
 * app.use(authenticationMiddleware(new JWTAuthenticationBackend({
 *   secretKey: process.env.JWT_SECRET!,
 *   issuer: 'https://auth.example.com/',
 *   audience: 'my-api',
 * })));
 * ```
 */
export class JWTAuthenticationBackend implements AuthenticationBackend {
  /** The challenge this backend's errors and the guards' 401s carry. */
  readonly challenge: Challenge;
  private readonly headerName: string;
  private readonly scheme: string;
  private readonly usernameField: string;
  private readonly scopeClaims: readonly string[];
  private readonly verify: JwtVerifier;

  constructor(options: JWTAuthenticationBackendOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${OWNER}: pass an options object, e.g. { secretKey: process.env.JWT_SECRET }.`);
    }
    rejectUnknownOptions(OWNER, options, JWT_BACKEND_OPTION_NAMES);
    if (options.secretKey === undefined) throw new TypeError(`${OWNER}: "secretKey" is required.`);
    checkNumber(OWNER, 'clockTolerance', options.clockTolerance, 0);
    checkNumber(OWNER, 'maxAge', options.maxAge, 1);
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new TypeError(`${OWNER}: "clock" must be a function returning milliseconds since the epoch.`);
    }
    const prefix = httpToken('prefix', options.prefix, 'Bearer');
    const algorithms = readAlgorithms(options);
    this.challenge = Object.freeze({ scheme: prefix, realm: text('realm', options.realm, 'api') });
    this.headerName = httpToken('header', options.header, 'authorization').toLowerCase();
    this.scheme = prefix.toLowerCase();
    this.usernameField = text('usernameField', options.usernameField, 'username');
    const scopesClaim = options.scopesClaim === undefined ? undefined : text('scopesClaim', options.scopesClaim, '');
    this.scopeClaims = scopesClaim === undefined ? DEFAULT_SCOPE_CLAIMS : Object.freeze([scopesClaim]);
    this.verify = createJwtVerifier({
      key: toVerificationKey(OWNER, options.secretKey, algorithms),
      algorithms,
      issuer: readIssuer(options.issuer),
      audience: readAudience(options.audience),
      subject: options.subject === undefined ? undefined : text('subject', options.subject, ''),
      clockTolerance: options.clockTolerance ?? 0,
      maxAge: options.maxAge,
      requiredClaims: stringList('requiredClaims', options.requiredClaims) ?? Object.freeze(['exp']),
      clock: options.clock ?? Date.now,
      challenge: this.challenge,
    });
  }

  /**
   * Returns `null` when the request has no credentials in this backend's scheme, the user and
   * credentials when the token verifies, and throws `InvalidRequestError`/`InvalidTokenError`
   * otherwise.
   */
  authenticate(req: IncomingMessage): AuthResult<JWTUser> | null {
    const token = extractToken(req.headers[this.headerName], this.scheme, this.challenge);
    if (token === null) return null;
    const payload = this.verify(token);
    const scopes = scopesFromPayload(payload, this.scopeClaims);
    return {
      user: new JWTUser(payload, token, this.usernameField),
      credentials: new AuthCredentials(['authenticated', ...scopes], { token, payload }),
    };
  }
}
