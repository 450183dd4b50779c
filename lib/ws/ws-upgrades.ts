import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthenticationBackend } from '../backend';
import { asError } from '../core/as-error';
import { ConnectionLifetimes, CREDENTIALS_ENDED_CLOSE_CODE, CREDENTIALS_ENDED_REASONS } from './connection-lifetimes';
import { stripSubprotocolToken } from './presented-token';
import { writeRawResponse, writeRefusal } from './raw-response';
import { createUpgradeAuthenticator, type UpgradeOutcome } from './upgrade-authenticator';
import { readUpgradeOptions, type UpgradeAuthenticationOptions } from './upgrade-options';

const OWNER = 'authenticateUpgrades';

// RFC 6455 readyState values, as `ws` and browsers number them.
const CONNECTING = 0;
const OPEN = 1;

/**
 * The part of a `ws` WebSocket this package uses. Declared here, not imported from `ws`: an
 * ES module application and this CommonJS package would otherwise see two different `ws` types.
 *
 * @example
 * ```ts
 * const socket: UpgradedSocket = new WebSocket('ws://127.0.0.1:3000/ws');
 * ```
 */
export interface UpgradedSocket {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * The part of a `ws` `WebSocketServer` (in `noServer` mode) this package uses.
 *
 * @example
 * ```ts
 * const wss: NoServerWebSocketServer<WebSocket> = new WebSocketServer({ noServer: true });
 * ```
 */
export interface NoServerWebSocketServer<TSocket extends UpgradedSocket> {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (client: TSocket, req: IncomingMessage) => void): void;
  emit(event: 'connection', socket: TSocket, req: IncomingMessage): boolean;
}

/**
 * What {@link authenticateUpgrades} returns: the `upgrade` listener to give the HTTP server, and
 * `close()` for a clean shutdown.
 *
 * @example
 * ```ts
 * const upgrades: WebSocketUpgrades = authenticateUpgrades(wss, backend);
 * server.on('upgrade', upgrades.upgrade);
 * ```
 */
export interface WebSocketUpgrades {
  /**
   * The listener of the HTTP server's `upgrade` event: authenticates the request, then either
   * writes the refusal on the socket and destroys it, or hands it to `wss.handleUpgrade`, which
   * emits `connection` on the WebSocket server with the socket and the request.
   */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Resolves once the revocation feed of `store` is subscribed to (at once without a `store`). */
  ready(): Promise<void>;
  /** Unsubscribes from the revocation feed; open connections stay open. */
  close(): Promise<void>;
}

function refuseUnexpected(socket: Duplex, status: number): void {
  const body = JSON.stringify({ type: 'about:blank', title: status === 503 ? 'Service Unavailable' : 'Internal Server Error', status });
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json; charset=utf-8' };
  if (status === 503) headers['Retry-After'] = '5';
  writeRawResponse(socket, status, headers, body);
}

/**
 * Authenticates WebSocket upgrades for a `ws` server in `noServer` mode, with the same backends
 * as `authenticationMiddleware`, before any `101 Switching Protocols`: bad credentials, a missing
 * one where `authenticated` or `scopes` require it, and a cookie-authenticated upgrade from
 * another origin are answered on the socket with the status, `WWW-Authenticate` and problem+json
 * body an HTTP request would get, and the socket is destroyed. Accepted connections carry their
 * user and credentials ({@link connectionAuth}), and are closed with code 1008 when their token
 * expires (see `onExpired`) or is revoked (with `store`). `ws` is not loaded by this package:
 * pass your own `WebSocketServer`.
 *
 * @example
 * ```ts
 * const wss = new WebSocketServer({ noServer: true });
 * const upgrades = authenticateUpgrades(wss, backend, { authenticated: true, store });
 * server.on('upgrade', (req, socket, head) => {
 *   if (new URL(req.url ?? '/', 'http://localhost').pathname === '/ws') upgrades.upgrade(req, socket, head);
 *   else socket.destroy();
 * });
 * wss.on('connection', (socket) => {
 *   const auth = connectionAuth(socket);
 *   socket.send(JSON.stringify({ user: auth?.user?.identity ?? null }));
 * });
 * ```
 */
export function authenticateUpgrades<TSocket extends UpgradedSocket>(
  wss: NoServerWebSocketServer<TSocket>,
  backend: AuthenticationBackend | readonly AuthenticationBackend[],
  options: UpgradeAuthenticationOptions = {},
): WebSocketUpgrades {
  if (typeof (wss as Partial<NoServerWebSocketServer<TSocket>> | null)?.handleUpgrade !== 'function') {
    throw new TypeError(`${OWNER}: the first argument must be a ws WebSocketServer, e.g. new WebSocketServer({ noServer: true }).`);
  }
  const settings = readUpgradeOptions(OWNER, options);
  const authenticator = createUpgradeAuthenticator(OWNER, backend, settings);
  const lifetimes = new ConnectionLifetimes(authenticator, settings);

  function accept(outcome: Extract<UpgradeOutcome, { kind: 'anonymous' | 'authenticated' }>, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    stripSubprotocolToken(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stop = lifetimes.track(ws, req, outcome.auth, (reason) => {
        if (ws.readyState === CONNECTING || ws.readyState === OPEN) ws.close(CREDENTIALS_ENDED_CLOSE_CODE, CREDENTIALS_ENDED_REASONS[reason]);
      });
      ws.once('close', stop);
      wss.emit('connection', ws, req);
    });
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let settled = false;
    // Until ws takes the socket over, a reset by the client must not become an uncaught error.
    const onSocketError = (): void => {
      socket.destroy();
    };
    socket.on('error', onSocketError);
    const timer = setTimeout(() => {
      settled = true;
      refuseUnexpected(socket, 503);
    }, settings.authenticationTimeoutMs);
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      // A client that gave up while the backends were answering: nothing to answer.
      if (socket.destroyed) return false;
      return true;
    };
    authenticator.authenticate(req).then(
      (outcome) => {
        if (!settle()) return;
        if (outcome.kind === 'refused') {
          writeRefusal(socket, outcome.refusal);
          return;
        }
        // ws listens for the socket's errors from here on.
        socket.off('error', onSocketError);
        accept(outcome, req, socket, head);
      },
      (err: unknown) => {
        if (!settle()) return;
        refuseUnexpected(socket, 500);
        settings.onError?.(asError(err), req);
      },
    );
  }

  return Object.freeze({ upgrade, ready: () => lifetimes.ready(), close: () => lifetimes.close() });
}
