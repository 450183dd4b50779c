import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import WebSocket, { WebSocketServer } from 'ws';
import { type AuthenticationBackend, authenticationMiddleware, type BaseUser } from '../../lib';
import { authenticateUpgrades, connectionAuth, type UpgradeAuthenticationOptions, type WebSocketUpgrades } from '../../lib/ws';
import { closeServer } from './local-server';

/** What the first message of every accepted connection says: who it is, and with which scopes. */
export interface Greeting {
  readonly user: string | null;
  readonly scopes: readonly string[];
}

/** A real HTTP server on 127.0.0.1 (an Express app) whose `/ws` upgrades go through {@link authenticateUpgrades}. */
export interface WsTestServer {
  readonly origin: string;
  readonly port: number;
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  readonly server: http.Server;
  readonly wss: WebSocketServer;
  readonly upgrades: WebSocketUpgrades;
  /** How many times the `connection` handler ran. */
  connections: number;
  /** The server side of every accepted connection. */
  readonly sockets: WebSocket[];
  close(): Promise<void>;
}

/** Options of {@link startWsServer}. */
export interface WsTestServerOptions {
  readonly expressFactory: typeof express;
  readonly backend: AuthenticationBackend | readonly AuthenticationBackend[];
  readonly options?: UpgradeAuthenticationOptions;
  /** `handleProtocols` of the WebSocket server. Default: ws's own (the first offered). */
  readonly handleProtocols?: (protocols: Set<string>, req: IncomingMessage) => string | false;
  /** Options of the HTTP server (its timeouts). Default: Node's. */
  readonly serverOptions?: http.ServerOptions;
}

/** Starts an Express app (with the middleware, for HTTP) and a `noServer` WebSocket server on `/ws`. */
export async function startWsServer({ expressFactory, backend, options, handleProtocols, serverOptions = {} }: WsTestServerOptions): Promise<WsTestServer> {
  const app = expressFactory();
  app.use(authenticationMiddleware(backend as AuthenticationBackend<express.Request>));
  app.get('/', (_req, res) => res.type('html').send('<!doctype html><title>ws test</title>'));
  const server = http.createServer(serverOptions, app);
  const wss = new WebSocketServer({ noServer: true, ...(handleProtocols === undefined ? {} : { handleProtocols }) });
  const upgrades = authenticateUpgrades(wss, backend, options);
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/ws') upgrades.upgrade(req, socket, head);
    else socket.destroy();
  });
  const state = { connections: 0 };
  const sockets: WebSocket[] = [];
  wss.on('connection', (socket: WebSocket) => {
    state.connections += 1;
    sockets.push(socket);
    const auth = connectionAuth<BaseUser>(socket);
    const greeting: Greeting = { user: auth?.user?.identity ?? null, scopes: auth?.credentials.scopes ?? [] };
    socket.send(JSON.stringify(greeting));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: WsTestServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    server,
    wss,
    upgrades,
    get connections() {
      return state.connections;
    },
    sockets,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await upgrades.close();
      await closeServer(server);
    },
  };
  return result;
}

/** What a client got from an upgrade: an open connection and its first message, or the HTTP refusal. */
export type UpgradeAttempt =
  | { readonly kind: 'open'; readonly socket: WebSocket; readonly greeting: Greeting; readonly protocol: string }
  | { readonly kind: 'refused'; readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: string };

/** Options of {@link attemptUpgrade}. */
export interface AttemptOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly protocols?: readonly string[];
  readonly origin?: string;
}

/** Opens a real `ws` client connection and waits for its first message, or for the refusal. */
export function attemptUpgrade(url: string, { headers = {}, protocols = [], origin }: AttemptOptions = {}): Promise<UpgradeAttempt> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, [...protocols], { headers: { ...headers }, ...(origin === undefined ? {} : { origin }) });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    socket.once('message', (data) => resolve({ kind: 'open', socket, greeting: JSON.parse(String(data)) as Greeting, protocol: socket.protocol }));
    socket.once('error', reject);
  });
}

/** Resolves with the close code and reason of `socket`, and when (performance.now()). */
export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string; atMs: number }> {
  return new Promise((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), atMs: performance.now() }));
  });
}
