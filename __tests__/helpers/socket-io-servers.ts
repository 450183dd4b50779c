import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { type AuthenticationBackend, authenticationMiddleware, type BaseUser } from '../../lib';
import { connectionAuth, type CredentialsEndedEvent, socketIoAuthentication, type SocketIoAuthentication, type UpgradeAuthenticationOptions } from '../../lib/ws';
import { closeServer } from './local-server';
import type { Greeting } from './ws-servers';

/** A real HTTP server on 127.0.0.1 (an Express app) with a Socket.IO server behind {@link socketIoAuthentication}. */
export interface SocketIoTestServer {
  readonly origin: string;
  readonly auth: SocketIoAuthentication;
  /** How many times the `connection` handler ran. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts the app and the Socket.IO server; every accepted socket is sent a `greeting`. */
export async function startSocketIoServer(
  expressFactory: typeof express,
  backend: AuthenticationBackend,
  options?: UpgradeAuthenticationOptions,
): Promise<SocketIoTestServer> {
  const app = expressFactory();
  app.use(authenticationMiddleware(backend as AuthenticationBackend<express.Request>));
  const server = http.createServer(app);
  const io = new Server(server);
  const auth = socketIoAuthentication(backend, options);
  io.use(auth.middleware);
  let connections = 0;
  io.on('connection', (socket) => {
    connections += 1;
    const identity = connectionAuth<BaseUser>(socket);
    const greeting: Greeting = { user: identity?.user?.identity ?? null, scopes: identity?.credentials.scopes ?? [] };
    socket.emit('greeting', greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server.address() as AddressInfo);
  return {
    origin: `http://127.0.0.1:${port}`,
    auth,
    get connections() {
      return connections;
    },
    async close() {
      await auth.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeServer(server);
    },
  };
}

/** What a Socket.IO client got: its greeting, or the `connect_error`. */
export type SocketIoAttempt =
  | { readonly kind: 'connected'; readonly socket: ClientSocket; readonly greeting: Greeting }
  | { readonly kind: 'refused'; readonly message: string; readonly data: Record<string, unknown> | undefined };

/** Options of {@link attemptSocketIo}. */
export interface SocketIoAttemptOptions {
  readonly token?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly transport?: 'websocket' | 'polling';
}

/** Connects a real socket.io-client (no reconnection) and waits for the greeting or the refusal. */
export function attemptSocketIo(origin: string, { token, headers = {}, transport = 'websocket' }: SocketIoAttemptOptions = {}): Promise<SocketIoAttempt> {
  return new Promise((resolve) => {
    const socket = connect(origin, {
      transports: [transport],
      reconnection: false,
      forceNew: true,
      extraHeaders: { ...headers },
      ...(token === undefined ? {} : { auth: { token } }),
    });
    socket.once('greeting', (greeting: Greeting) => resolve({ kind: 'connected', socket, greeting }));
    socket.once('connect_error', (err: Error & { data?: Record<string, unknown> }) => {
      socket.close();
      resolve({ kind: 'refused', message: err.message, data: err.data });
    });
  });
}

/** Resolves with the credentials-ended event a socket receives, and its disconnection reason. */
export function endOf(socket: ClientSocket): Promise<{ event: CredentialsEndedEvent; disconnect: string; at: number }> {
  return new Promise((resolve) => {
    let event: CredentialsEndedEvent | undefined;
    socket.once('credentials_ended', (received: CredentialsEndedEvent) => (event = received));
    socket.once('disconnect', (reason: string) => {
      if (event !== undefined) resolve({ event, disconnect: reason, at: Date.now() });
    });
  });
}
