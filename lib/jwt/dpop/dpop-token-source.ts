import type { IncomingMessage } from 'node:http';
import type { Challenge } from '../../core/challenge';
import { extractToken, rejectRepeatedHeader } from '../../request/bearer';
import type { TokenSource } from '../../request/token-source';

/**
 * The access token of the `DPoP` authorization scheme (RFC 9449 §7.1): `Authorization: DPoP
 * <token>`. It only reads: a DPoP-bound token is issued by an authorization server to the
 * holder of the key, never by `login()`.
 */
export class DpopTokenSource implements TokenSource {
  constructor(private readonly challenge: Challenge) {}

  read(req: IncomingMessage): string | null {
    const value = req.headers.authorization;
    if (value === undefined) return null;
    rejectRepeatedHeader(req.rawHeaders, 'authorization', this.challenge);
    return extractToken(value, 'dpop', this.challenge);
  }

  attach(): void {
    // login() issues Bearer tokens, written by the header source.
  }

  clear(): void {
    // Nothing is stored on the client for a header.
  }
}
