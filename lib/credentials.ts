/**
 * The verified claims of a token, as a read-only JSON object.
 */
export type TokenPayload = Readonly<Record<string, unknown>>;

/**
 * What a request is allowed to do (Starlette's `AuthCredentials`): its scopes, and for
 * token-based backends the verified `payload` and the raw `token`.
 *
 * @example
 * ```ts
 * new AuthCredentials(['authenticated', 'read']).hasScopes(['read']); // true
 * new AuthCredentials([]).scopes; // [] — the anonymous request's credentials
 * ```
 */
export class AuthCredentials {
  /** The granted scopes. Authenticated requests carry `authenticated` first. */
  readonly scopes: readonly string[];
  /** The verified claims, for token-based credentials; `undefined` otherwise. */
  readonly payload: TokenPayload | undefined;
  /** The raw token, for token-based credentials; `undefined` otherwise. */
  readonly token: string | undefined;

  /**
   * @param scopes - The granted scopes. Default: none.
   * @param token - For token-based backends: the raw token and its verified claims.
   */
  constructor(scopes: Iterable<string> = [], token?: { readonly token: string; readonly payload: TokenPayload }) {
    this.scopes = Object.freeze([...new Set(scopes)]);
    this.token = token?.token;
    this.payload = token?.payload;
  }

  /** Whether every one of `required` is granted. */
  hasScopes(required: readonly string[]): boolean {
    return required.every((scope) => this.scopes.includes(scope));
  }
}
