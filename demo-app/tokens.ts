/** Lifetime of the demo's access tokens, in seconds. */
export const TOKEN_LIFETIME_SEC = 3600;
