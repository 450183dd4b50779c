import type { IncomingMessage } from 'node:http';
import { InvalidTokenError } from '../errors';
import { type ConnectionAuth, setConnectionAuth } from './connection-auth';
import { RevocationWatch } from './revocation-watch';
import type { UpgradeAuthenticator } from './upgrade-authenticator';
import type { CredentialsExpiry, UpgradeSettings } from './upgrade-options';

/**
 * Why a connection's credentials ended.
 *
 * @example
 * ```ts
 * const reason: CredentialsEndReason = 'revoked';
 * ```
 */
export type CredentialsEndReason = 'expired' | 'revoked';

/**
 * The WebSocket close code of a connection whose credentials ended: 1008 "policy violation"
 * (RFC 6455 §7.4.1), the code for a message or state the server's policy does not allow.
 *
 * @example
 * ```ts
 * socket.on('close', (code) => { if (code === CREDENTIALS_ENDED_CLOSE_CODE) signInAgain(); });
 * ```
 */
export const CREDENTIALS_ENDED_CLOSE_CODE = 1008;

/**
 * The close reason sent with {@link CREDENTIALS_ENDED_CLOSE_CODE}, per reason: constant
 * sentences, well under the 123 bytes a close frame can carry, never the token.
 *
 * @example
 * ```ts
 * if (reason.toString() === CREDENTIALS_ENDED_REASONS.expired) refreshToken();
 * ```
 */
export const CREDENTIALS_ENDED_REASONS: Readonly<Record<CredentialsEndReason, string>> = Object.freeze({
  expired: 'The access token has expired.',
  revoked: 'The access token has been revoked.',
});

// setTimeout takes at most 2^31 - 1 ms (24.8 days); a longer wait is taken in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

function subjectOf(auth: ConnectionAuth<object>): unknown {
  return auth.credentials.payload?.sub;
}

/**
 * Ends connections when their credentials do: at the token's `exp` (or hands the expiry to
 * `onExpired`), and when the token or its subject is revoked (through a {@link RevocationWatch}
 * on the `store`). Every timer and index entry of a connection is released when it stops.
 */
export class ConnectionLifetimes {
  private readonly revocations: RevocationWatch | undefined;

  constructor(
    private readonly authenticator: UpgradeAuthenticator,
    private readonly settings: UpgradeSettings,
  ) {
    this.revocations = settings.store === undefined ? undefined : new RevocationWatch(settings.store);
  }

  /**
   * Records `auth` for `connectionAuth(connection)` and watches it; `end` closes the connection
   * (once). Returns the function that stops watching: call it when the connection closes.
   */
  track(connection: object, req: IncomingMessage, auth: ConnectionAuth<object>, end: (reason: CredentialsEndReason) => void): () => void {
    setConnectionAuth(connection, auth);
    if (!auth.credentials.isAuthenticated) return () => undefined;
    let current = auth;
    let timer: NodeJS.Timeout | undefined;
    let unwatch: () => void = () => undefined;
    let ended = false;

    const stop = (): void => {
      clearTimeout(timer);
      timer = undefined;
      unwatch();
      unwatch = () => undefined;
    };
    const finish = (reason: CredentialsEndReason): void => {
      if (ended) return;
      ended = true;
      stop();
      end(reason);
    };
    const renew = async (token: string): Promise<ConnectionAuth> => {
      if (ended) throw new TypeError('renew: the connection has already been closed.');
      const outcome = await this.authenticator.authenticateToken(req, token);
      if (outcome.kind === 'refused') throw outcome.error;
      // The same connection cannot become another user's: a renewal keeps the subject.
      if (outcome.kind !== 'authenticated' || subjectOf(outcome.auth) !== subjectOf(current)) {
        throw new InvalidTokenError('claim_mismatch', { claim: 'sub', challenge: this.authenticator.challenge });
      }
      if (ended) throw new TypeError('renew: the connection has already been closed.');
      stop();
      arm(outcome.auth);
      return outcome.auth as ConnectionAuth;
    };
    const expire = (): void => {
      timer = undefined;
      const { onExpired } = this.settings;
      if (onExpired === undefined) {
        finish('expired');
        return;
      }
      const expiry: CredentialsExpiry = { connection, auth: current as ConnectionAuth, close: () => finish('expired'), renew };
      onExpired(expiry);
    };
    const armExpiry = (expMs: number): void => {
      const delay = expMs - this.settings.clock();
      timer = delay > MAX_TIMER_MS ? setTimeout(() => armExpiry(expMs), MAX_TIMER_MS) : setTimeout(expire, Math.max(0, delay));
      timer.unref();
    };
    const arm = (next: ConnectionAuth<object>): void => {
      current = next;
      setConnectionAuth(connection, next);
      const payload = next.credentials.payload;
      if (payload === undefined) return;
      if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) armExpiry(payload.exp * 1000);
      if (this.revocations !== undefined) unwatch = this.revocations.watch(payload, () => finish('revoked'));
    };

    arm(auth);
    return () => {
      ended = true;
      stop();
    };
  }

  /** Resolves once the revocation feed is subscribed to (at once without a `store`). */
  async ready(): Promise<void> {
    await this.revocations?.ready();
  }

  /** Unsubscribes from the revocation feed. Open connections stay open. */
  async close(): Promise<void> {
    await this.revocations?.close();
  }
}
