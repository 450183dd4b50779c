import type { AuthCredentials } from '../credentials';
import type { BaseUser } from '../user';

/**
 * Who is on the other end of a connection: the user a backend returned (`undefined` for an
 * anonymous connection, as `req.user` is for an anonymous request) and the credentials
 * (`AuthCredentials.anonymous`, or the backend's).
 *
 * @example
 * ```ts
 * const auth: ConnectionAuth | undefined = connectionAuth(socket);
 * if (auth?.credentials.hasScopes(['chat:write'])) broadcast(message);
 * ```
 */
export interface ConnectionAuth<TUser extends object = BaseUser> {
  /** The user, for an authenticated connection; `undefined` for an anonymous one. */
  readonly user: TUser | undefined;
  /** What the connection is: `isAuthenticated`, `scopes`, and for a token its `payload`. */
  readonly credentials: AuthCredentials;
}

// Kept beside the connection object rather than on it: a `ws` WebSocket and a Socket.IO socket
// have their own fields, and a WeakMap entry goes with the connection when it is collected.
const auths = new WeakMap<object, ConnectionAuth<object>>();

/**
 * The identity and credentials of a connection accepted by {@link authenticateUpgrades} (a `ws`
 * WebSocket) or {@link socketIoAuthentication} (a Socket.IO socket); `undefined` for a connection
 * neither accepted. After an in-band renewal it is the renewed credentials.
 *
 * @typeParam TUser - The user type the backends return (`JWTUser` by default, or what `retrieveUser` returns).
 *
 * @example
 * ```ts
 * wss.on('connection', (socket) => {
 *   const auth = connectionAuth<JWTUser>(socket);
 *   socket.send(JSON.stringify({ user: auth?.user?.identity ?? null, scopes: auth?.credentials.scopes ?? [] }));
 * });
 * ```
 */
export function connectionAuth<TUser extends object = BaseUser>(connection: object): ConnectionAuth<TUser> | undefined {
  return auths.get(connection) as ConnectionAuth<TUser> | undefined;
}

/** Records the identity and credentials of a connection (for {@link connectionAuth}). */
export function setConnectionAuth(connection: object, auth: ConnectionAuth<object>): void {
  auths.set(connection, auth);
}
