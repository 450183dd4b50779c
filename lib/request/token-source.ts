import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Where a backend finds its token in a request, and how it hands a new token to the client.
 * The JWT backend is composed of one or two of these (the header, then the cookie).
 */
export interface TokenSource {
  /** The token this source finds, `null` when it finds none; throws an `AuthenticationError` for a malformed one. */
  read(req: IncomingMessage): string | null;
  /** Puts a newly issued token on the response, where `read` will find it. */
  attach(res: ServerResponse, token: string, expiresIn: number): void;
  /** Takes the token off the client, where the source can (a cookie); does nothing otherwise. */
  clear(res: ServerResponse): void;
}
