import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Challenge } from '../core/challenge';
import { extractToken, rejectRepeatedHeader } from './bearer';
import type { TokenSource } from './token-source';

/**
 * The credentials header (`Authorization: Bearer <token>` by default, or any header with the
 * backend's `prefix`). A header sent twice is refused whatever its scheme, before the scheme is
 * looked at: otherwise `Authorization: Basic …` followed by `Authorization: Bearer …` would be
 * read one way here and another way by the next component.
 */
export class HeaderTokenSource implements TokenSource {
  /**
   * @param headerName - The header, lower-cased, as Node's `req.headers` keys are.
   * @param headerLabel - The header as written on responses (e.g. `Authorization`).
   */
  constructor(
    private readonly headerName: string,
    private readonly headerLabel: string,
    private readonly challenge: Challenge,
  ) {}

  read(req: IncomingMessage): string | null {
    const value = req.headers[this.headerName];
    if (value === undefined) return null;
    rejectRepeatedHeader(req.rawHeaders, this.headerName, this.challenge);
    return extractToken(value, this.challenge.scheme.toLowerCase(), this.challenge);
  }

  attach(res: ServerResponse, token: string): void {
    res.setHeader(this.headerLabel, `${this.challenge.scheme} ${token}`);
  }

  clear(): void {
    // A client forgets a header token itself; there is nothing to send.
  }
}
