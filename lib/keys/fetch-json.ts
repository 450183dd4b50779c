import http from 'node:http';
import https from 'node:https';

/** Bounds on one key-set fetch. */
export interface FetchLimits {
  /** The whole request, connection to last byte, in milliseconds. */
  readonly timeoutMs: number;
  /** The largest response body accepted, in bytes. */
  readonly maxBytes: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a key-set URL may be fetched: HTTPS, or plain HTTP to this machine only (for local
 * development and tests). Keys fetched over plain HTTP from elsewhere could be swapped in transit.
 *
 * @example
 * ```ts
 * isFetchableUrl('https://idp.example.com/jwks.json'); // true
 * isFetchableUrl('http://idp.example.com/jwks.json');  // false
 * ```
 */
export function isFetchableUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/**
 * GETs a JSON document with a deadline and a size bound, without following redirects. jwks-rsa's
 * own request buffers any body whole and bounds only idle time, so a huge or trickling key set
 * could exhaust memory or hold requests; this is the fetcher it is given instead.
 * Rejects with a constant message (never the body) on any failure.
 *
 * @example
 * ```ts
 * const jwks = await fetchJson('https://idp.example.com/jwks.json', { timeoutMs: 5000, maxBytes: 1 << 20 });
 * ```
 */
export function fetchJson(url: string, limits: FetchLimits): Promise<unknown> {
  if (!isFetchableUrl(url)) return Promise.reject(new Error('key set URL must be HTTPS (or HTTP to this machine)'));
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Destroying the request also ends its response; both have error listeners below.
      request.destroy();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`key set fetch timed out after ${limits.timeoutMs} ms`), limits.timeoutMs);
    const request = client.get(url, { headers: { accept: 'application/json' } }, (response) => {
      response.on('error', () => fail('key set response failed'));
      if (response.statusCode !== 200) {
        response.resume();
        fail(`key set endpoint answered ${String(response.statusCode)}`);
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) {
        fail(`key set is larger than ${limits.maxBytes} bytes`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) fail(`key set is larger than ${limits.maxBytes} bytes`);
        else chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new Error('key set is not JSON'));
        }
      });
    });
    request.on('error', () => fail('key set endpoint unreachable'));
  });
}
