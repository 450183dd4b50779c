import { parse } from 'cookie';
import type { Challenge } from '../core/challenge';
import { InvalidRequestError } from '../errors';

function countCookies(header: string, name: string): number {
  let count = 0;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim() === name) count++;
  }
  return count;
}

/**
 * Reads one cookie from a `Cookie` header (RFC 6265 §5.4), as Express does, so `cookie-parser`
 * is not needed. Returns `null` when the cookie is absent or empty. A cookie sent twice is
 * refused with `InvalidRequestError` (`duplicate_cookie`): a sibling subdomain can plant a
 * second cookie of the same name ("cookie tossing"), and picking either would be a guess.
 *
 * @example
 * ```ts
 * readCookie('theme=dark; token=abc.def.ghi', 'token', challenge); // 'abc.def.ghi'
 * ```
 */
export function readCookie(header: string | undefined, name: string, challenge: Challenge): string | null {
  if (header === undefined || header === '') return null;
  const count = countCookies(header, name);
  if (count === 0) return null;
  if (count > 1) throw new InvalidRequestError('duplicate_cookie', { challenge });
  const raw = parse(header)[name];
  // RFC 6265 §4.1.1 allows a cookie-value wrapped in double quotes.
  const value = raw !== undefined && raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  return value === undefined || value === '' ? null : value;
}
