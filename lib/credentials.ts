/**
 * The verified claims of a token, as a read-only JSON object.
 *
 * @example
 * ```ts
 * const payload: TokenPayload | undefined = req.auth?.payload;
 * const tenant = typeof payload?.tenant === 'string' ? payload.tenant : undefined;
 * ```
 */
export type TokenPayload = Readonly<Record<string, unknown>>;

/**
 * The token behind token-based credentials.
 *
 * @example
 * ```ts
 * new AuthCredentials(['authenticated'], { token, payload });
 * ```
 */
export interface TokenCredentials {
  /** The raw token. */
  readonly token: string;
  /** Its verified claims. */
  readonly payload: TokenPayload;
}

const isText = (value: unknown): value is string => typeof value === 'string';

// Only this module can build credentials that say "anonymous": a backend's credentials are
// always authenticated, whatever scopes it grants.
const ANONYMOUS = Symbol('anonymous');

// Set only by `withCheckedScopes`, for the one construction it makes: the scope list it passes is
// taken as it is, without the check and the copy a list from elsewhere gets.
let trustNextScopes = false;

/**
 * Credentials whose `scopes` are kept as given: for the library's backends, which build the
 * list per request already checked (strings only), without duplicates and frozen. Not exported
 * from the package; anyone else calls the constructor, which checks and copies.
 *
 * @example
 * ```ts
 * const credentials = withCheckedScopes(Object.freeze(['authenticated', 'read']), { token, payload });
 * ```
 */
export function withCheckedScopes(scopes: readonly string[], token: TokenCredentials): AuthCredentials {
  trustNextScopes = true;
  try {
    return new AuthCredentials(scopes, token);
  } finally {
    trustNextScopes = false;
  }
}

/**
 * What a request is: whether it is authenticated, its scopes, and for token-based backends the
 * verified `payload` and the raw `token` (Starlette's `AuthCredentials`). `req.auth` is always one
 * of these once `authenticationMiddleware` has run; an anonymous request gets the shared, frozen
 * {@link AuthCredentials.anonymous}. The token is not enumerable, so `JSON.stringify(req.auth)` and
 * loggers do not print it.
 *
 * @example
 * ```ts
 * new AuthCredentials(['authenticated', 'read']).hasScopes(['read']); // true
 * AuthCredentials.anonymous.isAuthenticated; // false — the anonymous request's credentials
 * ```
 */
export class AuthCredentials {
  /**
   * The credentials of a request that no backend identified: not authenticated, no scopes.
   * Shared and frozen.
   */
  // Readonly<T> drops the private field from the type; the frozen object still has it.
  static readonly anonymous: AuthCredentials = Object.freeze(new AuthCredentials([], undefined, ANONYMOUS)) as AuthCredentials;

  /**
   * `true` for credentials a backend returned (the guards let the request through), `false`
   * only for {@link AuthCredentials.anonymous}. The guards read this, never `req.user`.
   */
  readonly isAuthenticated: boolean;
  /** The granted scopes. Authenticated requests of the JWT backend carry `authenticated` first. */
  readonly scopes: readonly string[];
  /** The verified claims, for token-based credentials; `undefined` otherwise. */
  readonly payload: TokenPayload | undefined;
  // A private field read through a getter, rather than a non-enumerable own property: the same
  // invisibility to JSON and enumeration, without an Object.defineProperty on every request.
  readonly #token: string | undefined;

  /**
   * @param scopes - The granted scopes (an array: a single string would be split into letters). Default: none.
   * @param token - For token-based backends: the raw token and its verified claims. Default: none.
   */
  constructor(scopes: readonly string[] = [], token?: TokenCredentials, anonymous?: typeof ANONYMOUS) {
    this.isAuthenticated = anonymous !== ANONYMOUS;
    if (trustNextScopes) {
      trustNextScopes = false;
      this.scopes = scopes;
    } else {
      if (!Array.isArray(scopes) || !scopes.every(isText)) {
        throw new TypeError('AuthCredentials: "scopes" must be an array of scope names, e.g. [\'authenticated\', \'read\'].');
      }
      // A single scope needs no duplicate removal.
      this.scopes = Object.freeze(scopes.length < 2 ? [...scopes] : [...new Set(scopes)]);
    }
    this.payload = token?.payload;
    this.#token = token?.token;
  }

  /** The raw token, for token-based credentials; `undefined` otherwise. Not enumerable. */
  get token(): string | undefined {
    return this.#token;
  }

  /** Whether every one of `required` is granted. */
  hasScopes(required: readonly string[]): boolean {
    // A plain loop: every guarded request asks, most often with no scope required at all.
    for (const scope of required) {
      if (!this.scopes.includes(scope)) return false;
    }
    return true;
  }
}
