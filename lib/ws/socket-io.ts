import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend } from '../backend';
import { asError } from '../core/as-error';
import type { ProblemDetails } from '../problem-details';
import { ConnectionLifetimes, CREDENTIALS_ENDED_CLOSE_CODE, CREDENTIALS_ENDED_REASONS, type CredentialsEndReason } from './connection-lifetimes';
import { createUpgradeAuthenticator } from './upgrade-authenticator';
import { readUpgradeOptions, type UpgradeAuthenticationOptions } from './upgrade-options';

const OWNER = 'socketIoAuthentication';

/**
 * The part of a Socket.IO server-side socket this package uses. Declared here, not imported from
 * `socket.io`: an application that uses only `ws` compiles without `socket.io` installed.
 *
 * @example
 * ```ts
 * io.on('connection', (socket) => { const used: SocketIoSocket = socket; });
 * ```
 */
export interface SocketIoSocket {
  /** The request of the handshake (its first HTTP request, or its WebSocket upgrade). */
  readonly request: IncomingMessage;
  /** The handshake; its `auth` is what the client passed as `io(url, { auth })`. */
  readonly handshake: { readonly auth: Readonly<Record<string, unknown>> };
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/**
 * The event a Socket.IO socket receives just before the server disconnects it because its
 * credentials ended, with a {@link CredentialsEndedEvent}.
 *
 * @example
 * ```ts
 * socket.on(CREDENTIALS_ENDED_EVENT, (event: CredentialsEndedEvent) => console.log(event.detail));
 * ```
 */
export const CREDENTIALS_ENDED_EVENT = 'credentials_ended';

/**
 * What a client receives with {@link CREDENTIALS_ENDED_EVENT}: the WebSocket close code a `ws`
 * connection would get (1008), the reason, and its sentence.
 *
 * @example
 * ```ts
 * socket.on('credentials_ended', (event: CredentialsEndedEvent) => { if (event.reason === 'expired') refreshAndReconnect(); });
 * ```
 */
export interface CredentialsEndedEvent {
  readonly code: number;
  readonly reason: CredentialsEndReason;
  readonly detail: string;
}

/**
 * The error a refused Socket.IO connection fails with: the client's `connect_error` receives its
 * `message` and `data`, the problem-details body an HTTP request would get (`status`, `error`
 * code, `detail`, and `reason` or `scope` where they apply).
 *
 * @example
 * ```ts
 * socket.on('connect_error', (err: Error & { data?: ProblemDetails }) => console.log(err.data?.status, err.data?.error));
 * ```
 */
export interface SocketIoAuthenticationError extends Error {
  readonly data: ProblemDetails;
}

/**
 * What {@link socketIoAuthentication} returns: the `io.use()` middleware, and `close()`.
 *
 * @example
 * ```ts
 * const auth: SocketIoAuthentication = socketIoAuthentication(backend);
 * io.use(auth.middleware);
 * ```
 */
export interface SocketIoAuthentication {
  /** The Socket.IO middleware (`io.use(...)`, or `io.of('/chat').use(...)`). */
  readonly middleware: (socket: SocketIoSocket, next: (err?: Error) => void) => void;
  /** Resolves once the revocation feed of `store` is subscribed to (at once without a `store`). */
  ready(): Promise<void>;
  /** Unsubscribes from the revocation feed; open connections stay open. */
  close(): Promise<void>;
}

function authenticationFailure(message: string, data: ProblemDetails): SocketIoAuthenticationError {
  return Object.assign(new Error(message), { data });
}

/**
 * Authenticates Socket.IO connections with the same backends, requirements and errors as the
 * `ws` helper: the token comes from the handshake's `auth.token`
 * (`io(url, { auth: { token } })`), or from what the handshake request carries (the
 * `Authorization` header of a Node client, the session cookie of a browser, which must then come
 * from the site's own origin). A refusal fails the connection with a `connect_error` whose `data`
 * is the problem-details body (status, code, description). Accepted sockets carry their user
 * and credentials ({@link connectionAuth}); when the token expires or is revoked, the socket
 * receives {@link CREDENTIALS_ENDED_EVENT} and is disconnected. `socket.io` is not loaded by
 * this package.
 *
 * @example
 * ```ts
 * const io = new Server(server);
 * const auth = socketIoAuthentication(backend, { authenticated: true, store });
 * io.use(auth.middleware);
 * io.on('connection', (socket) => socket.emit('hello', connectionAuth(socket)?.user?.identity));
 * ```
 */
export function socketIoAuthentication(
  backend: AuthenticationBackend | readonly AuthenticationBackend[],
  options: UpgradeAuthenticationOptions = {},
): SocketIoAuthentication {
  const settings = readUpgradeOptions(OWNER, options);
  const authenticator = createUpgradeAuthenticator(OWNER, backend, settings);
  const lifetimes = new ConnectionLifetimes(authenticator, settings);

  function middleware(socket: SocketIoSocket, next: (err?: Error) => void): void {
    const req = socket.request;
    const { token } = (socket.handshake.auth ?? {}) as { readonly token?: unknown };
    if (token !== undefined && typeof token !== 'string') {
      next(authenticationFailure('auth.token must be a string.', { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'auth.token must be a string.', error: 'invalid_request' }));
      return;
    }
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      next(authenticationFailure('Authentication took too long; try again later.', {
        type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Authentication took too long; try again later.', error: 'temporarily_unavailable',
      }));
    }, settings.authenticationTimeoutMs);
    authenticator.authenticate(req, token).then(
      (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome.kind === 'refused') {
          next(authenticationFailure(outcome.error.message, outcome.refusal.body));
          return;
        }
        const stop = lifetimes.track(socket, req, outcome.auth, (reason) => {
          const event: CredentialsEndedEvent = { code: CREDENTIALS_ENDED_CLOSE_CODE, reason, detail: CREDENTIALS_ENDED_REASONS[reason] };
          socket.emit(CREDENTIALS_ENDED_EVENT, event);
          socket.disconnect(true);
        });
        socket.once('disconnect', stop);
        next();
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const error = asError(err);
        settings.onError?.(error, req);
        next(error);
      },
    );
  }

  return Object.freeze({ middleware, ready: () => lifetimes.ready(), close: () => lifetimes.close() });
}
