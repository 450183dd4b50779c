import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AuthenticationBackend } from '../backend';
import { isThenable } from '../core/thenable';
import type { AuthCredentials } from '../credentials';
import { isAlgorithm } from '../keys/algorithms';
import type { ChainOutcome } from '../request/backend-chain';
import { authenticateChannel } from '../observability/channels';
import type { AuthenticateMessage } from '../observability/messages';

/** Which backend of a chain answered (or threw): filled in by {@link observedChain}. */
export interface ChainObservation {
  /** The index of the backend asked last; `-1` before any. */
  index: number;
  /** When the chain started, in milliseconds (`performance.now()`). */
  readonly startedMs: number;
}

/**
 * Starts observing one request, or returns `undefined` when nobody listens: the only cost of
 * the events on the hot path is this one `hasSubscribers` read.
 *
 * @example
 * ```ts
 * const observation = observeAuthentication();
 * ```
 */
export function observeAuthentication(): ChainObservation | undefined {
  return authenticateChannel.hasSubscribers ? { index: -1, startedMs: performance.now() } : undefined;
}

/**
 * `authenticateChain` that also records which backend answered, for the event. The same
 * semantics: the first non-null result wins, an error from any backend ends the chain.
 *
 * @example
 * ```ts
 * const outcome = observedChain(backends, req, observation);
 * ```
 */
export function observedChain<TRequest extends IncomingMessage>(
  backends: readonly AuthenticationBackend<TRequest>[],
  req: TRequest,
  observation: ChainObservation,
  from = 0,
): ChainOutcome | Promise<ChainOutcome> {
  for (let index = from; index < backends.length; index++) {
    observation.index = index;
    const outcome = backends[index].authenticate(req);
    if (isThenable<ChainOutcome>(outcome)) {
      return Promise.resolve(outcome).then((result) => result ?? observedChain(backends, req, observation, index + 1));
    }
    if (outcome !== null && outcome !== undefined) return outcome;
  }
  return null;
}

/** The class name of a backend; `Object` for a plain object. */
function backendName(backend: object | undefined): string | undefined {
  if (backend === undefined) return undefined;
  const name: unknown = (backend as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

/** The `alg` of a verified compact JWS, when it is one this library knows (nothing else is shown). */
function algorithmOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const end = token.indexOf('.');
  if (end <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
    const alg = (header as { alg?: unknown } | null)?.alg;
    return isAlgorithm(alg) ? alg : undefined;
  } catch {
    return undefined;
  }
}

const MAX_ISSUER_LENGTH = 200;

/**
 * Publishes the outcome of one request on `express-jwt-auth:authenticate`. Called only with an
 * observation, that is, when someone subscribed as the request began.
 *
 * @example
 * ```ts
 * if (observation !== undefined) publishAuthentication(observation, backends, 'refused', err.reason);
 * ```
 */
export function publishAuthentication(
  observation: ChainObservation,
  backends: readonly object[],
  outcome: AuthenticateMessage['outcome'],
  reason: string,
  credentials?: AuthCredentials,
): void {
  const durationSec = (performance.now() - observation.startedMs) / 1000;
  // Anonymous: no backend found credentials, so none is named (not the last one asked).
  const backend = backendName(observation.index < 0 || outcome === 'anonymous' ? undefined : backends[observation.index]);
  let message: AuthenticateMessage = { outcome, reason, backend, durationSec };
  if (credentials !== undefined) {
    // Only what a verified token says: its algorithm (one of ours) and its issuer, which the
    // backend accepted; never the token itself, nor what the backend expects.
    const issuer = credentials.payload?.iss;
    const algorithm = algorithmOf(credentials.token);
    message = {
      ...message,
      ...(algorithm === undefined ? {} : { algorithm }),
      ...(typeof issuer === 'string' && issuer.length <= MAX_ISSUER_LENGTH ? { issuer } : {}),
    };
  }
  authenticateChannel.publish(message);
}

/**
 * The `reason` of a refusal: the error's own `reason` when it has one, else its `code`.
 *
 * @example
 * ```ts
 * refusalReason(new InvalidTokenError('expired')); // 'expired'
 * ```
 */
export function refusalReason(err: { readonly code: string }): string {
  const reason: unknown = (err as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : err.code;
}
