import { VISIBLE_ASCII } from './grammar';

/** The well-known path of RFC 9728 protected-resource metadata (§3). */
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

// Plain HTTP only where no one can listen in: RFC 9728 §3.3 and the MCP authorization
// specification require HTTPS for everything else.
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks that `value` is a resource identifier in canonical form (RFC 8707 §2, RFC 9728 §1.2):
 * an absolute `https` URL (plain `http` only to this machine), with a lower-case scheme and
 * host, no default port, no user info, query or fragment, and a path exactly as a URL parser
 * writes it. Returns the value as given; throws a `TypeError` naming `owner` and `name` that
 * says what to fix. The value is compared as a string with the token's `aud`, so it is never
 * rewritten here: a client sends back exactly what the metadata publishes.
 *
 * @example
 * ```ts
 * canonicalResourceUrl('JWTAuthenticationBackend', 'resource', 'https://mcp.example.com/mcp'); // returned as is
 * canonicalResourceUrl('JWTAuthenticationBackend', 'resource', 'https://MCP.example.com/');   // TypeError
 * ```
 */
export function canonicalResourceUrl(owner: string, name: string, value: unknown): string {
  const example = 'e.g. "https://mcp.example.com/mcp"';
  if (typeof value !== 'string' || !VISIBLE_ASCII.test(value) || !URL.canParse(value)) {
    throw new TypeError(`${owner}: "${name}" must be an absolute URL, ${example}.`);
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new TypeError(`${owner}: "${name}" must be an https URL (plain http only to localhost), ${example}.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || value.includes('#') || value.includes('?')) {
    throw new TypeError(`${owner}: "${name}" must not carry user info, a query or a fragment (RFC 8707 §2), ${example}.`);
  }
  const origin = `${url.protocol}//${url.host}`;
  const rest = value.slice(origin.length);
  if (!value.startsWith(origin) || (rest !== '' && rest !== url.pathname)) {
    throw new TypeError(`${owner}: "${name}" must be in canonical form: lower-case scheme and host, no default port, a normalised path (write ${JSON.stringify(origin + (rest === '' ? '' : url.pathname))}).`);
  }
  return value;
}

/**
 * The path of the protected-resource metadata of `resource` (a canonical resource URL), by
 * RFC 9728 §3.1's path insertion: the well-known path, then the resource's own path without
 * its trailing slash.
 *
 * @example
 * ```ts
 * metadataPathOf('https://mcp.example.com/mcp'); // '/.well-known/oauth-protected-resource/mcp'
 * metadataPathOf('https://mcp.example.com');     // '/.well-known/oauth-protected-resource'
 * ```
 */
export function metadataPathOf(resource: string): string {
  const path = new URL(resource).pathname.replace(/\/+$/, '');
  return `${PROTECTED_RESOURCE_METADATA_PATH}${path}`;
}

/**
 * The URL of the protected-resource metadata of `resource` (a canonical resource URL), at its
 * origin (RFC 9728 §3.1).
 *
 * @example
 * ```ts
 * metadataUrlOf('https://mcp.example.com/mcp'); // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function metadataUrlOf(resource: string): string {
  const url = new URL(resource);
  return `${url.protocol}//${url.host}${metadataPathOf(resource)}`;
}
