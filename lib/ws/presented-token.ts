import type { IncomingMessage } from 'node:http';
import type { Challenge } from '../core/challenge';
import { InvalidRequestError } from '../errors';

/**
 * The subprotocol a browser offers just before its token; the server selects it (or another
 * offered subprotocol), never the token.
 *
 * @example
 * ```ts
 * const socket = new WebSocket('wss://app.example.com/ws', [TOKEN_SUBPROTOCOL, token]);
 * ```
 */
export const TOKEN_SUBPROTOCOL = 'access_token';

/**
 * The query parameter a token may come in, when `queryToken` is enabled (URLs get logged).
 *
 * @example
 * ```ts
 * const socket = new WebSocket(`wss://app.example.com/ws?${TOKEN_PARAMETER}=${encodeURIComponent(token)}`);
 * ```
 */
export const TOKEN_PARAMETER = 'access_token';

/** Where a token that did not come in a header is presented to the backends. */
export interface TokenHeader {
  /** Lower-cased, as Node's `req.headers` keys are. */
  readonly name: string;
  /** As written in `rawHeaders`. */
  readonly label: string;
  /** The scheme before the token, e.g. `Bearer`. */
  readonly scheme: string;
}

function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header.split(',').map((entry) => entry.trim());
}

/**
 * The token of the `access_token`, `<token>` pair in `Sec-WebSocket-Protocol`, or `null`. The
 * marker twice, or with nothing after it, is refused (400 `invalid_request`).
 */
export function readSubprotocolToken(req: IncomingMessage, challenge: Challenge): string | null {
  const offered = offeredProtocols(req);
  const at = offered.indexOf(TOKEN_SUBPROTOCOL);
  if (at === -1) return null;
  if (offered.indexOf(TOKEN_SUBPROTOCOL, at + 1) !== -1) throw new InvalidRequestError('duplicate_token', { challenge });
  const token = offered[at + 1];
  if (token === undefined || token === '') throw new InvalidRequestError('empty_token', { challenge });
  return token;
}

/**
 * Takes the token out of `Sec-WebSocket-Protocol`, keeping the `access_token` marker: the
 * WebSocket server then never sees the token among the protocols it may select (a server that
 * echoed it would send the token back in a response header), and application code that logs
 * headers never prints it.
 */
export function stripSubprotocolToken(req: IncomingMessage): void {
  const offered = offeredProtocols(req);
  const at = offered.indexOf(TOKEN_SUBPROTOCOL);
  if (at === -1) return;
  offered.splice(at + 1, 1);
  req.headers['sec-websocket-protocol'] = offered.join(', ');
}

/** The `access_token` query parameter of the upgrade URL, or `null`. Repeated or empty is refused. */
export function readQueryToken(req: IncomingMessage, challenge: Challenge): string | null {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  if (query === -1) return null;
  const values = new URLSearchParams(url.slice(query + 1)).getAll(TOKEN_PARAMETER);
  if (values.length === 0) return null;
  if (values.length > 1) throw new InvalidRequestError('duplicate_token', { challenge });
  if (values[0] === '') throw new InvalidRequestError('empty_token', { challenge });
  return values[0];
}

/**
 * A view of `req` in which `token` is in the backend's header (`Authorization: Bearer <token>`),
 * so that every backend reads it the way it reads any request; the request itself is left
 * unchanged. A request that already carries that header is refused (two tokens are ambiguous),
 * unless `replace` (an in-band renewal, whose new token replaces whatever the upgrade carried).
 */
export function presentToken(req: IncomingMessage, header: TokenHeader, token: string, challenge: Challenge, replace = false): IncomingMessage {
  if (!replace && req.headers[header.name] !== undefined) throw new InvalidRequestError('duplicate_token', { challenge });
  const value = `${header.scheme} ${token}`;
  const rawHeaders: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index].toLowerCase() !== header.name) rawHeaders.push(req.rawHeaders[index], req.rawHeaders[index + 1]);
  }
  const view = Object.create(req) as IncomingMessage;
  Object.defineProperty(view, 'headers', { value: { ...req.headers, [header.name]: value }, enumerable: true });
  Object.defineProperty(view, 'rawHeaders', { value: [...rawHeaders, header.label, value], enumerable: true });
  return view;
}
