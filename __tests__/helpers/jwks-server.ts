import type http from 'node:http';
import { closeServer, listenLocally, relisten } from './local-server';

/** The path the JWKS is served at. */
export const JWKS_PATH = '/jwks.json';
/** The path of the OpenID Connect discovery document (OpenID Connect Discovery 1.0 §4). */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** What the server answers; each test sets what it needs, and {@link JwksServer.reset} restores the defaults. */
export interface JwksServerState {
  /** The document served as JSON at {@link JWKS_PATH}. Default: `{ keys: [] }`. */
  document: unknown;
  /** A raw body served at {@link JWKS_PATH} instead of `document` (e.g. invalid JSON). Default: none. */
  body: string | Buffer | undefined;
  /** The document served at {@link DISCOVERY_PATH}; 404 when `undefined`. Default: none. */
  discovery: unknown;
  /** The status of the JWKS answer. Default: `200`. */
  status: number;
  /** Milliseconds to wait before answering. Default: `0`. */
  delayMs: number;
  /** Whether to send the body in 64 KiB chunks without `Content-Length`. Default: `false`. */
  chunked: boolean;
  /** Whether to send one byte every 50 ms forever after the headers. Default: `false`. */
  trickle: boolean;
  /** Extra response headers. Default: none. */
  headers: Record<string, string>;
}

/** A real key-set endpoint on 127.0.0.1 whose answers a test controls. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** `origin` + {@link JWKS_PATH}. */
  readonly jwksUri: string;
  readonly state: JwksServerState;
  /** The paths (with query) requested so far, in order. */
  readonly requests: string[];
  /** How many requests reached `path` (default: {@link JWKS_PATH}). */
  count(path?: string): number;
  /** Restores the default state and forgets the requests. */
  reset(): void;
  /** Stops listening: connections to the port are refused until {@link start}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Stops for good, cancelling delayed and trickling answers. */
  close(): Promise<void>;
}

function defaults(): JwksServerState {
  return { document: { keys: [] }, body: undefined, discovery: undefined, status: 200, delayMs: 0, chunked: false, trickle: false, headers: {} };
}

const CHUNK = 64 * 1024;

/**
 * Starts a JWKS endpoint (and an OpenID Connect discovery document) on 127.0.0.1, port 0.
 *
 * @example
 * ```ts
 * const jwks = await startJwksServer();
 * jwks.state.document = { keys: [rsaJwk] };
 * afterAll(() => jwks.close());
 * ```
 */
export async function startJwksServer(): Promise<JwksServer> {
  const state = defaults();
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  function answer(res: http.ServerResponse, status: number, body: Buffer): void {
    if (res.destroyed) return;
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(state.headers)) res.setHeader(name, value);
    if (state.trickle) {
      res.flushHeaders();
      const timer = setInterval(() => {
        if (res.destroyed) {
          clearInterval(timer);
          timers.delete(timer);
        } else res.write(' ');
      }, 50);
      timers.add(timer);
      return;
    }
    if (!state.chunked) {
      res.setHeader('Content-Length', body.length);
      res.end(body);
      return;
    }
    for (let offset = 0; offset < body.length; offset += CHUNK) res.write(body.subarray(offset, offset + CHUNK));
    res.end();
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '';
    requests.push(path);
    const pathname = new URL(path, 'http://127.0.0.1').pathname;
    // A client that gave up must not crash the server with EPIPE/ECONNRESET.
    res.on('error', () => undefined);
    const send = (): void => {
      if (pathname === DISCOVERY_PATH && state.discovery !== undefined) answer(res, 200, Buffer.from(JSON.stringify(state.discovery)));
      else if (pathname === JWKS_PATH) answer(res, state.status, Buffer.from(state.body ?? JSON.stringify(state.document)));
      else answer(res, 404, Buffer.from('{"error":"not_found"}'));
    };
    if (state.delayMs > 0) later(state.delayMs, send);
    else send();
  }

  const { server, port, origin } = await listenLocally(handle);
  server.on('connection', (socket) => socket.on('error', () => undefined));
  const cancelTimers = (): void => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
  return {
    origin,
    jwksUri: `${origin}${JWKS_PATH}`,
    state,
    requests,
    count: (path = JWKS_PATH) => requests.filter((requested) => requested === path).length,
    reset(): void {
      Object.assign(state, defaults());
      requests.length = 0;
    },
    async stop(): Promise<void> {
      cancelTimers();
      await closeServer(server);
    },
    start: () => relisten(server, port),
    async close(): Promise<void> {
      cancelTimers();
      await closeServer(server);
    },
  };
}
