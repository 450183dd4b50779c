/**
 * The parameters of one `WWW-Authenticate` challenge (RFC 7235 §2.1, RFC 6750 §3).
 *
 * @example
 * ```ts
 * formatChallenge({ scheme: 'Bearer', realm: 'api' }, { error: 'invalid_token' });
 * // 'Bearer realm="api", error="invalid_token"'
 * ```
 */
export interface Challenge {
  /** The authentication scheme, e.g. `Bearer`. */
  readonly scheme: string;
  /** The protection space (RFC 7235 §2.2). Omitted from the header when undefined. */
  readonly realm?: string;
  /** Auth-params every challenge of this scheme ends with, e.g. RFC 9728 §5.1's `resource_metadata` or RFC 9449 §7.1's `algs`. Default: none. */
  readonly params?: ChallengeParams;
  /**
   * Other challenges the server also accepts, written after this one in the same header
   * (RFC 9110 §11.6.1), without the error's params: a backend taking `Bearer` and `DPoP`
   * tokens names both. Default: none.
   */
  readonly alternatives?: readonly Challenge[];
}

/** The challenge used when nothing else is configured: `Bearer realm="api"`. */
export const DEFAULT_CHALLENGE: Challenge = Object.freeze({ scheme: 'Bearer', realm: 'api' });

/** Extra auth-params of a challenge, in the order they are written. */
export type ChallengeParams = Readonly<Record<string, string | undefined>>;

// RFC 7230 §3.2.6 quoted-string: backslash-escape `"` and `\`; drop control characters,
// which a quoted-string cannot carry and which would allow header injection.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /[\u0000-\u001f\u007f"\\]/;

function quote(value: string): string {
  // Every rejection writes a challenge: the common case (nothing to escape) allocates nothing more.
  if (!NEEDS_ESCAPING.test(value)) return `"${value}"`;
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Formats a challenge as the value of a `WWW-Authenticate` header.
 *
 * @example
 * ```ts
 * formatChallenge({ scheme: 'Bearer', realm: 'api' }, { error: 'insufficient_scope', scope: 'admin' });
 * // 'Bearer realm="api", error="insufficient_scope", scope="admin"'
 * ```
 */
export function formatChallenge(challenge: Challenge, params: ChallengeParams = {}): string {
  const parts: string[] = [];
  if (challenge.realm !== undefined) parts.push(`realm=${quote(challenge.realm)}`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) parts.push(`${name}=${quote(value)}`);
  }
  for (const [name, value] of Object.entries(challenge.params ?? {})) {
    if (value !== undefined) parts.push(`${name}=${quote(value)}`);
  }
  const own = parts.length === 0 ? challenge.scheme : `${challenge.scheme} ${parts.join(', ')}`;
  if (challenge.alternatives === undefined) return own;
  return [own, ...challenge.alternatives.map((alternative) => formatChallenge(alternative))].join(', ');
}
