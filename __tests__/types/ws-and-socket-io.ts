// Type test: the Socket.IO middleware fits a server with typed events, and the ws helper a
// WebSocketServer, without casts.
import http from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { JWTAuthenticationBackend } from '../../lib';
import { authenticateUpgrades, socketIoAuthentication } from '../../lib/ws';

interface ServerToClient {
  hello: (user: string) => void;
}
interface ClientToServer {
  message: (text: string) => void;
}

const backend = new JWTAuthenticationBackend({ secretKey: 'x'.repeat(64) });
const server = http.createServer();
const io = new Server<ClientToServer, ServerToClient>(server);
io.use(socketIoAuthentication(backend).middleware);
io.of('/chat').use(socketIoAuthentication(backend, { authenticated: true }).middleware);

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', authenticateUpgrades(wss, backend).upgrade);
