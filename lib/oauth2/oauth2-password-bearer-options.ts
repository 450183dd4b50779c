/**
 * Options of {@link OAuth2PasswordBearer}.
 *
 * @example
 * ```ts
 * const options: OAuth2PasswordBearerOptions = {
 *   tokenUrl: '/token',
 *   scopes: { read: 'Read your data', admin: 'Administer the site' },
 * };
 * ```
 */
export interface OAuth2PasswordBearerOptions {
  /**
   * Where clients get tokens: the URL (absolute, or a path relative to the API's server) at
   * which you mount `tokenEndpoint()`. Published in the OpenAPI `password` flow; nothing is
   * mounted for you. Required.
   */
  readonly tokenUrl: string;
  /**
   * The scopes tokens may carry, each with a description, for the OpenAPI `password` flow
   * (Swagger UI offers them as checkboxes). Names are RFC 6749 scope-tokens. Documentation
   * only: `verifyCredentials` decides what each user may hold. Default: `{}`.
   */
  readonly scopes?: Readonly<Record<string, string>>;
}

/** The option names {@link OAuth2PasswordBearerOptions} knows. */
export const OAUTH2_OPTION_NAMES: readonly string[] = Object.freeze(['tokenUrl', 'scopes']);
