import type { Challenge } from '../core/challenge';
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
  const space = text.search(WHITESPACE);
  const end = space === -1 ? text.length : space;
  // The length first: another scheme (or a bare token) is told apart without lower-casing it.
  if (end !== scheme.length || text.slice(0, end).toLowerCase() !== scheme) return null;
  const token = space === -1 ? '' : text.slice(space + 1).trim();
  if (token === '') throw new InvalidRequestError('missing_token', { challenge });
  if (WHITESPACE.test(token)) throw new InvalidRequestError('malformed_header', { challenge });
  return token;
}

/**
 * Throws `InvalidRequestError` (`duplicate_header`) when a request carries the header `name`
 * (lower-case) more than once. Node keeps only the first `Authorization` header and drops the
 * rest, so a second one would otherwise be ignored without a word; two sets of credentials in
 * one request are ambiguous, and refused.
 *
 * @example
 * ```ts
 * rejectRepeatedHeader(req.rawHeaders, 'authorization', challenge);
 * ```
 */
export function rejectRepeatedHeader(rawHeaders: readonly string[], name: string, challenge: Challenge): void {
  let seen = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index].length === name.length && rawHeaders[index].toLowerCase() === name && ++seen > 1) {
      throw new InvalidRequestError('duplicate_header', { challenge });
    }
  }
}
