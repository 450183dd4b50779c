import type { Challenge } from './challenge';
import { InvalidRequestError } from '../errors';

const WHITESPACE = /[ \t]/;

/**
 * Reads the token from an `Authorization`-style header value (RFC 6750 §2.1, RFC 7235 §2.1).
 *
 * Returns `null` when the header is absent or names another scheme (the request is not this
 * backend's, so other schemes can coexist). Throws {@link InvalidRequestError} when the scheme
 * matches but the token is missing or followed by more parts.
 *
 * @param value - The header value as Node gives it.
 * @param scheme - The expected scheme, lower-cased (matching is case-insensitive, RFC 7235 §2.1).
 * @param challenge - The challenge errors carry.
 *
 * @example
 * ```ts
 * extractToken('Bearer abc.def.ghi', 'bearer', challenge); // 'abc.def.ghi'
 * extractToken('Basic dXNlcjpwYXNz', 'bearer', challenge); // null
 * extractToken('Bearer', 'bearer', challenge);             // throws InvalidRequestError
 * ```
 */
export function extractToken(
  value: string | readonly string[] | undefined,
  scheme: string,
  challenge: Challenge,
): string | null {
  if (value === undefined) return null;
  // Node joins repeated custom headers; an array here means one we cannot read unambiguously.
  if (typeof value !== 'string') throw new InvalidRequestError('malformed_header', { challenge });
  const text = value.trim();
  const match = WHITESPACE.exec(text);
  const given = match === null ? text : text.slice(0, match.index);
  if (given.toLowerCase() !== scheme) return null;
  const token = match === null ? '' : text.slice(match.index + 1).trim();
  if (token === '') throw new InvalidRequestError('missing_token', { challenge });
  if (WHITESPACE.test(token)) throw new InvalidRequestError('malformed_header', { challenge });
  return token;
}
