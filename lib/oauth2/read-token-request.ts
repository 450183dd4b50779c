import type { IncomingMessage } from 'node:http';
import { OAuth2Error } from './oauth2-error';

/** The token request parameters the endpoint reads (RFC 6749 §4.3.2, §2.3.1). */
export type TokenParameterName = 'grant_type' | 'username' | 'password' | 'scope' | 'client_id' | 'client_secret' | 'refresh_token';

/** The parameters of a token request: each present at most once, never empty. */
export type TokenParameters = ReadonlyMap<TokenParameterName, string>;

const NAMES: readonly TokenParameterName[] = ['grant_type', 'username', 'password', 'scope', 'client_id', 'client_secret', 'refresh_token'];

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

type MediaType = typeof FORM | typeof JSON_TYPE;

/** The request's media type, when it is one the endpoint reads, in UTF-8 (or with no charset). */
function mediaTypeOf(req: IncomingMessage): MediaType {
  const header = req.headers['content-type'];
  const [type = '', ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (type !== FORM && type !== JSON_TYPE) throw new OAuth2Error('unsupported_media_type');
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((part) => part.trim());
    if (name === 'charset' && !['utf-8', 'utf8', '"utf-8"', 'us-ascii'].includes(value)) throw new OAuth2Error('unsupported_media_type');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw new OAuth2Error('unsupported_media_type');
  return type;
}

/** Reads the raw body, refusing it once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    // Not read: the answer says Connection: close, and what is left is discarded unbuffered.
    req.resume();
    return Promise.reject(new OAuth2Error('body_too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(new OAuth2Error('body_too_large'));
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      cleanup();
      resolve(Buffer.concat(chunks));
    }
    function onError(): void {
      cleanup();
      reject(new OAuth2Error('malformed_body'));
    }
    function onClose(): void {
      // A client that hangs up mid-body: nobody will read the answer, but settle anyway.
      if (!req.complete) onError();
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OAuth2Error('malformed_body');
  }
}

/** RFC 6749 §3.2: a parameter at most once; §3.1: an empty parameter counts as omitted. */
function fromForm(text: string): TokenParameters {
  const form = new URLSearchParams(text);
  const parameters = new Map<TokenParameterName, string>();
  for (const name of NAMES) {
    const values = form.getAll(name);
    if (values.length > 1) throw new OAuth2Error('repeated_parameter', { parameter: name });
    if (values.length === 1 && values[0] !== '') parameters.set(name, values[0]);
  }
  return parameters;
}

/** Parameters from an object: parsed JSON, or what a body parser left in `req.body`. */
function fromObject(body: unknown, mediaType: MediaType): TokenParameters {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuth2Error('malformed_body');
  const parameters = new Map<TokenParameterName, string>();
  for (const name of NAMES) {
    const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
    if (value === undefined || value === '') continue;
    // A form parser turns `a=1&a=2` into an array; in JSON an array is just the wrong type.
    if (Array.isArray(value) && mediaType === FORM) throw new OAuth2Error('repeated_parameter', { parameter: name });
    if (typeof value !== 'string') throw new OAuth2Error('invalid_parameter', { parameter: name });
    parameters.set(name, value);
  }
  return parameters;
}

function fromBytes(bytes: Uint8Array, mediaType: MediaType): TokenParameters {
  const text = decodeUtf8(bytes);
  if (mediaType === FORM) return fromForm(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OAuth2Error('malformed_body');
  }
  return fromObject(parsed, mediaType);
}

/**
 * Reads the parameters of a token request: an `application/x-www-form-urlencoded` body (RFC
 * 6749 §4.3.2) or a JSON object, in UTF-8, of at most `limit` bytes. When a body parser has
 * already read the request, its `req.body` is used instead (an object, a string or a Buffer).
 * Throws {@link OAuth2Error} for anything else: another media type, a body too large or
 * unparseable, a parameter given twice or not as text.
 *
 * @example
 * ```ts
 * const parameters = await readTokenRequest(req, 8192);
 * parameters.get('grant_type'); // 'password'
 * ```
 */
export async function readTokenRequest(req: IncomingMessage & { body?: unknown }, limit: number): Promise<TokenParameters> {
  const mediaType = mediaTypeOf(req);
  // A parser that ran read the stream to its end; one that skipped this media type left it
  // unread (Express 4's still sets `req.body = {}`), so read it here.
  if (!req.readableEnded) return fromBytes(await readBody(req, limit), mediaType);
  const { body } = req;
  if (typeof body === 'string') return fromBytes(Buffer.from(body, 'utf8'), mediaType);
  if (body instanceof Uint8Array) return fromBytes(body, mediaType);
  return fromObject(body, mediaType);
}
