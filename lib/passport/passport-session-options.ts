/**
 * Options of {@link PassportSessionBackend}.
 *
 * @example
 * ```ts
 * const options: PassportSessionOptions<Account> = { scopes: (account) => account.roles };
 * ```
 */
export interface PassportSessionOptions<TUser extends object = object> {
  /**
   * The scopes a session user holds, after `authenticated` (which every session user has), for
   * `requires()`. Sync only: it runs on every request with a session. Default: none beyond
   * `authenticated`.
   */
  readonly scopes?: (user: TUser) => readonly string[];
}
