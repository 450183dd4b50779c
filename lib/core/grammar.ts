/**
 * The character grammars of the RFCs this library writes into headers and reads from tokens,
 * in one place, so each rule is spelled once.
 *
 * @example
 * ```ts
 * HTTP_TOKEN.test('Bearer');       // true: a valid auth-scheme
 * SCOPE_TOKEN.test('read:orders'); // true
 * SCOPE_TOKEN.test('a b');         // false
 * ```
 */

/** RFC 7230 §3.2.6 `token`: an auth-scheme, a header name, a cookie name (RFC 6265 §4.1.1). */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** RFC 6749 §3.3 and RFC 6750 §3 `scope-token`: `%x21 / %x23-5B / %x5D-7E`, no spaces, quotes or backslashes. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Visible ASCII (`%x21-7E`): what a URL or path may hold to be written into a header as it is. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
