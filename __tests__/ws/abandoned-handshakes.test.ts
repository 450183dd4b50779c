import net from 'node:net';
import type { AuthenticationBackend } from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { upgradeRequest } from '../helpers/raw-upgrades';
import { fixedClock, signToken } from '../helpers/tokens';
import { startWsServer, type WsTestServer } from '../helpers/ws-servers';

const TOKEN = signToken();
const ROUNDS = 5;
const PER_ROUND = 200;

function connections(server: WsTestServer): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens a connection, writes `request` (or a part of it) and abandons it after `abandonAfterMs`, unless the server closed it first. */
function abandonedHandshake(port: number, request: string, abandonAfterMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(request);
      timer = setTimeout(() => socket.destroy(), abandonAfterMs);
    });
    socket.on('error', () => undefined);
    // Reads (and drops) what the server writes, so that its closing is seen here.
    socket.resume();
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A backend that takes `delayMs` to find the token valid, as one that looks users up does. */
function slowBackend(delayMs: number): AuthenticationBackend {
  const inner = jwtBackend();
  return {
    challenge: inner.challenge,
    authenticate: (req) => new Promise((resolve, reject) => setTimeout(() => {
      try {
        resolve(inner.authenticate(req));
      } catch (err) {
        reject(err);
      }
    }, delayMs)),
  };
}

describe.each(EXPRESS_VERSIONS)('abandoned and unfinished handshakes on %s', (_name, expressFactory) => {
  let server: WsTestServer;
  afterEach(async () => {
    await server.close();
  });

  it('leaves no socket, connection or growing memory behind after a thousand abandoned handshakes', async () => {
    server = await startWsServer({ expressFactory, backend: slowBackend(20), options: { authenticated: true, clock: fixedClock } });
    const baselineSockets = openSockets();
    const kinds = [
      // Abandoned while the backend is still answering.
      upgradeRequest('/ws', server.port, [`Authorization: Bearer ${TOKEN}`]),
      // Refused (no credentials), never reading the 401.
      upgradeRequest('/ws', server.port),
      // Half a request line and headers, never finished.
      upgradeRequest('/ws', server.port, [`Authorization: Bearer ${TOKEN}`]).slice(0, 60),
    ];
    const rss: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(Array.from({ length: PER_ROUND }, (_, index) => abandonedHandshake(server.port, kinds[index % kinds.length], index % 2 === 0 ? 0 : 40)));
      await eventually(async () => (await connections(server)) === 0);
      global.gc?.();
      rss.push(process.memoryUsage().rss);
    }
    // Handshakes abandoned after their 101 were connections, closed since.
    await eventually(() => server.wss.clients.size === 0);
    await eventually(() => openSockets() <= baselineSockets);
    // Generous: the first round warms up; later rounds must not keep what they allocated.
    const growth = Math.max(...rss.slice(1)) - rss[0];
    if (process.env.WS_REPORT_RSS === '1') console.log(`RSS growth after ${ROUNDS - 1} rounds of ${PER_ROUND}: ${(growth / 1024 / 1024).toFixed(1)} MB`);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 503 and destroys the socket of a handshake whose backend never answers', async () => {
    const stalled: AuthenticationBackend = { authenticate: () => new Promise<null>(() => undefined) };
    server = await startWsServer({ expressFactory, backend: stalled, options: { authenticationTimeoutMs: 300 } });
    const sockets = Array.from({ length: 50 }, () => abandonedHandshake(server.port, upgradeRequest('/ws', server.port), 60_000));
    await Promise.all(sockets);
    await eventually(async () => (await connections(server)) === 0);
    expect(server.connections).toBe(0);
  });

  it('drops handshakes that never finish their headers once the server\'s headersTimeout passes', async () => {
    server = await startWsServer({
      expressFactory,
      backend: jwtBackend(),
      options: { clock: fixedClock },
      serverOptions: { headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 },
    });
    const partial = upgradeRequest('/ws', server.port, [`Authorization: Bearer ${TOKEN}`]).slice(0, 80);
    const started = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => abandonedHandshake(server.port, partial, 60_000)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await connections(server)).toBe(0);
  });
});
