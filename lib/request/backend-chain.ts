import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { isThenable } from '../core/thenable';

/** What a chain of backends answers: a result, or nothing (anonymous). */
export type ChainOutcome = AuthResult<object> | null | undefined;

/**
 * Asks each backend in turn; the first that finds credentials (a non-null result) wins, and an
 * error from any of them ends the chain. Stays synchronous while the backends are, so a sync
 * backend costs no promise and no microtask.
 *
 * @example
 * ```ts
 * const outcome = authenticateChain([headerBackend, cookieBackend], req);
 * ```
 */
export function authenticateChain<TRequest extends IncomingMessage>(
  backends: readonly AuthenticationBackend<TRequest>[],
  req: TRequest,
  from = 0,
): ChainOutcome | Promise<ChainOutcome> {
  for (let index = from; index < backends.length; index++) {
    const outcome = backends[index].authenticate(req);
    if (isThenable<ChainOutcome>(outcome)) {
      return Promise.resolve(outcome).then((result) => result ?? authenticateChain(backends, req, index + 1));
    }
    if (outcome !== null && outcome !== undefined) return outcome;
  }
  return null;
}
