import http from 'node:http';
import https from 'node:https';
import { KeySetFetchError, type KeySetFetchFailure } from './key-set-fetch-error';

/** Bounds on one key-set fetch, and which URLs it may reach. */
export interface FetchLimits {
  /** The whole request, connection to last byte, in milliseconds. */
  readonly timeoutMs: number;
  /** The largest response body accepted, in bytes. */
  readonly maxBytes: number;
  /** Whether plain HTTP may reach any host, not only this machine (`keySetFetch.allowInsecureHttp`). */
  readonly allowInsecureHttp: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Says why a key-set URL may not be fetched, or returns `undefined` when it may: HTTPS, or plain
 * HTTP to this machine only (for local development and tests), or plain HTTP to any host with
 * `allowInsecureHttp`. Keys fetched over plain HTTP from elsewhere could be swapped in transit.
 *
 * @example
 * ```ts
 * describeUnfetchableUrl('https://idp.example.com/jwks.json', false); // undefined
 * describeUnfetchableUrl('http://keycloak:8080/realms/demo', false);  // 'is plain HTTP to a host other than this machine ...'
 * ```
 */
export function describeUnfetchableUrl(value: string, allowInsecureHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `must be an HTTPS URL, not ${url.protocol}`;
  if (allowInsecureHttp || LOOPBACK.has(url.hostname)) return undefined;
  return 'is plain HTTP to a host other than this machine (localhost, 127.0.0.1, [::1]): keys fetched over it could be'
    + ' swapped in transit. Use HTTPS, or, in development only, set keySetFetch: { allowInsecureHttp: true }';
}

/**
 * Whether a key-set URL may be fetched (see {@link describeUnfetchableUrl}).
 *
 * @example
 * ```ts
 * isFetchableUrl('https://idp.example.com/jwks.json'); // true
 * isFetchableUrl('http://idp.example.com/jwks.json');  // false
 * isFetchableUrl('http://idp.example.com/jwks.json', true);  // true
 * ```
 */
export function isFetchableUrl(value: string, allowInsecureHttp = false): boolean {
  return describeUnfetchableUrl(value, allowInsecureHttp) === undefined;
}

/**
 * GETs a JSON document with a deadline and a size bound, without following redirects: a huge or
 * trickling key set must not exhaust memory or hold requests.
 * Rejects with a {@link KeySetFetchError} saying why (never holding the body) on any failure.
 *
 * @example
 * ```ts
 * const jwks = await fetchJson('https://idp.example.com/jwks.json', { timeoutMs: 5000, maxBytes: 1 << 20, allowInsecureHttp: false });
 * ```
 */
export function fetchJson(url: string, limits: FetchLimits): Promise<unknown> {
  if (!isFetchableUrl(url, limits.allowInsecureHttp)) return Promise.reject(new KeySetFetchError('insecure_url', { url }));
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: KeySetFetchFailure, status?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Destroying the request also ends its response; both have error listeners below.
      request.destroy();
      reject(new KeySetFetchError(reason, { url, status }));
    };
    const timer = setTimeout(() => fail('timeout'), limits.timeoutMs);
    const request = client.get(url, { headers: { accept: 'application/json' } }, (response) => {
      response.on('error', () => fail('unreachable'));
      if (response.statusCode !== 200) {
        response.resume();
        fail('http_status', response.statusCode);
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) {
        fail('too_large');
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) fail('too_large');
        else chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new KeySetFetchError('not_json', { url }));
        }
      });
    });
    request.on('error', () => fail('unreachable'));
  });
}
