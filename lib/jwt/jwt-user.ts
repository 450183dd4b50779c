import type { TokenPayload } from '../credentials';
import type { BaseUser } from '../user';

function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The user of a request authenticated by a JWT: `displayName` is the configured username claim
 * (falling back to `sub`), `identity` is the string `sub`. The verifier refuses a token whose
 * `sub` is present but not a string, so `sub: 1` never passes as `"1"`; a missing `sub` gives an
 * `identity` of `''`, and a username claim that is neither a string nor a number falls back to
 * `sub`, never an exception. The raw `token` is kept but not enumerable.
 *
 * @example
 * ```ts
 * const user = new JWTUser({ sub: '42', username: 'alice' }, token);
 * user.displayName; // 'alice'
 * user.identity;    // '42'
 * ```
 */
export class JWTUser implements BaseUser {
  readonly isAuthenticated = true;
  /** The username claim (a string, or a number as text), falling back to `sub`; `''` when neither is there. */
  readonly username: string;
  /** The `sub` claim, a string; `''` when it is absent (or, in a payload that was not verified, not a string). */
  readonly identity: string;

  // A private field read through a getter: invisible to JSON and enumeration like a
  // non-enumerable property, without an Object.defineProperty on every request.
  readonly #token: string;

  /**
   * @param payload - The verified claims.
   * @param token - The raw token.
   * @param usernameField - The claim holding the username. Default: `'username'`.
   */
  constructor(
    readonly payload: TokenPayload,
    token: string,
    usernameField = 'username',
  ) {
    this.#token = token;
    // Only a string: RFC 7519 §4.1.2 makes `sub` a StringOrURI, and the verifier refuses any other.
    this.identity = typeof payload.sub === 'string' ? payload.sub : '';
    this.username = claimText(payload[usernameField]) ?? this.identity;
  }

  /** The raw token. Not enumerable, so `JSON.stringify(req.user)` and loggers do not print it. */
  get token(): string {
    return this.#token;
  }

  get displayName(): string {
    return this.username;
  }
}
