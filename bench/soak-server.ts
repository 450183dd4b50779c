/**
 * The server side of the soak test (`bench/soak.ts` starts it): the demo app in HS256 mode,
 * unmodified, behind a thin wrapper that adds one endpoint of its own,
 * `GET /internal/soak-stats`, reporting what the client cannot see from outside: the process's
 * uncaught exceptions and unhandled rejections (counted, not fatal, so the soak can report
 * them) and its memory (after a garbage collection with `?gc=1` when Node runs with `--expose-gc`).
 *
 * Environment: `SOAK_SECRET` (the HMAC secret, required), `SOAK_API_KEY` (required).
 * Prints `ready <port>` once it listens on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApp } from '../demo-app/app';
import { type SoakServerStats, STATS_PATH } from './soak-scenarios';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`soak-server: ${name} is not set.`);
  return value;
}

function start(): void {
  let uncaughtExceptions = 0;
  let unhandledRejections = 0;
  // Counted and reported rather than fatal: the soak must say how many there were.
  process.on('uncaughtException', (err) => {
    uncaughtExceptions += 1;
    console.error('soak-server: uncaught exception:', err);
  });
  process.on('unhandledRejection', (reason) => {
    unhandledRejections += 1;
    console.error('soak-server: unhandled rejection:', reason);
  });

  const app = createDemoApp({ signing: { algorithm: 'HS256', secret: required('SOAK_SECRET') }, apiKey: required('SOAK_API_KEY') });
  const gc = (globalThis as { gc?: () => void }).gc;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://soak.invalid');
    if (url.pathname !== STATS_PATH) {
      app(req, res);
      return;
    }
    const collect = url.searchParams.get('gc') === '1' && gc !== undefined;
    if (collect) gc();
    const memory = process.memoryUsage();
    const stats: SoakServerStats = {
      uncaughtExceptions,
      unhandledRejections,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      collected: collect,
    };
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(stats));
  });
  // Longer than any pause of the load generator, so keep-alive connections are not dropped mid-soak.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  server.listen(0, '127.0.0.1', () => {
    console.log(`ready ${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

if (require.main === module) start();
