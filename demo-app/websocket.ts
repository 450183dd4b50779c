import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { JWTAuthenticationBackend, Store } from '../lib';
import { authenticateUpgrades, connectionAuth } from '../lib/ws';
import type { DemoAccount } from './users';

/** The path of the demo's WebSocket. */
export const WEBSOCKET_PATH = '/ws';

/** What the demo's WebSocket sends first: who is connected, and with which scopes. */
export interface DemoGreeting {
  readonly type: 'hello';
  readonly user: string;
  readonly scopes: readonly string[];
}

/** The demo's WebSocket: the HTTP server's `upgrade` listener, and `close()`. */
export interface DemoWebSocket {
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  close(): Promise<void>;
}

/**
 * An authenticated WebSocket at `/ws`, with the same backend as the pages and the API: the
 * session cookie (from this origin only), `Authorization: Bearer`, or the `access_token`
 * subprotocol. It greets each connection with its user and scopes, and is closed with 1008 when
 * the token expires or is revoked (`POST /revoke`, `POST /revoke-all`, on any instance sharing
 * the store). Other upgrade paths are refused.
 */
export function demoWebSocket(backend: JWTAuthenticationBackend<DemoAccount>, store: Store, clock: () => number): DemoWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const upgrades = authenticateUpgrades(wss, backend, { authenticated: true, store, clock });
  wss.on('connection', (socket) => {
    const auth = connectionAuth<DemoAccount>(socket);
    const greeting: DemoGreeting = { type: 'hello', user: auth?.user?.displayName ?? '', scopes: auth?.credentials.scopes ?? [] };
    socket.send(JSON.stringify(greeting));
  });
  return {
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://localhost').pathname === WEBSOCKET_PATH) {
        upgrades.upgrade(req, socket, head);
        return;
      }
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.once('finish', () => socket.destroy());
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await upgrades.close();
    },
  };
}
