/**
 * What a sign-in or a refresh hands the client: a new access token and a new refresh token.
 *
 * @example
 * ```ts
 * const pair: TokenPair = await backend.refresh(refreshToken);
 * res.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: pair.expiresIn });
 * ```
 */
export interface TokenPair {
  /** The access token (a JWT whose `sid` claim is the family's id). */
  readonly accessToken: string;
  /** Lifetime of the access token, in seconds. */
  readonly expiresIn: number;
  /** The scopes of the access token. */
  readonly scopes: readonly string[];
  /** The refresh token: opaque, for one use (the next refresh). */
  readonly refreshToken: string;
  /** Lifetime of the refresh token, in seconds. */
  readonly refreshExpiresIn: number;
}

/** Reads a sealed pair back; `undefined` for anything else. */
export function parseTokenPair(text: string | undefined): TokenPair | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { accessToken, expiresIn, scopes, refreshToken, refreshExpiresIn } = value;
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || typeof expiresIn !== 'number' || typeof refreshExpiresIn !== 'number') return undefined;
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) return undefined;
    return Object.freeze({ accessToken, expiresIn, scopes: Object.freeze([...scopes] as string[]), refreshToken, refreshExpiresIn });
  } catch {
    return undefined;
  }
}
