/**
 * express-jwt-auth/ws: the backends and guards of `authenticationMiddleware` for WebSocket
 * upgrades (`ws`, in `noServer` mode) and Socket.IO connections, with connections closed when
 * their token expires or is revoked. Neither `ws` nor `socket.io` is loaded here: the
 * application passes its own server.
 *
 * @module express-jwt-auth/ws
 */
export type { ProblemDetails } from '../problem-details';
export { type ConnectionAuth, connectionAuth } from './connection-auth';
export { CREDENTIALS_ENDED_CLOSE_CODE, CREDENTIALS_ENDED_REASONS, type CredentialsEndReason } from './connection-lifetimes';
export { TOKEN_PARAMETER, TOKEN_SUBPROTOCOL } from './presented-token';
export {
  CREDENTIALS_ENDED_EVENT,
  type CredentialsEndedEvent,
  type SocketIoAuthentication,
  type SocketIoAuthenticationError,
  socketIoAuthentication,
  type SocketIoSocket,
} from './socket-io';
export type { CredentialsExpiry, UpgradeAuthenticationOptions } from './upgrade-options';
export { authenticateUpgrades, type NoServerWebSocketServer, type UpgradedSocket, type WebSocketUpgrades } from './ws-upgrades';
