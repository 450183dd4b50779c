import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStore, type Store } from '../lib';
import { createDemoApp, demoReady, type DemoSigning, demoUpgrades } from './app';

const port = Number(process.env.PORT ?? 3000);

function signing(): DemoSigning {
  if (process.env.DEMO_ALGORITHM === 'EdDSA') {
    const pem = process.env.JWT_PRIVATE_KEY;
    if (pem !== undefined && pem !== '') return { algorithm: 'EdDSA', privateKey: createPrivateKey(pem) };
    console.warn('JWT_PRIVATE_KEY is not set: using a new Ed25519 key for this run; see /.well-known/jwks.json.');
    return { algorithm: 'EdDSA', privateKey: generateKeyPairSync('ed25519').privateKey };
  }
  const secret = process.env.JWT_SECRET;
  if (secret !== undefined && secret !== '') return { algorithm: 'HS256', secret };
  console.warn('JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart.');
  return { algorithm: 'HS256', secret: randomBytes(32).toString('base64url') };
}

// With REDIS_URL, revocations are shared through Redis (node-redis, loaded only then); without
// it, through this process's memory, so `npm run demo` needs nothing else installed.
async function revocationStore(): Promise<Store> {
  const url = process.env.REDIS_URL;
  if (url === undefined || url === '') return memoryStore();
  const [{ createClient }, { redisStore }] = await Promise.all([import('redis'), import('../lib/redis')]);
  const client = createClient({ url });
  client.on('error', (err: Error) => console.error(`Redis: ${err.message}`));
  await client.connect();
  // The host only: a Redis URL may carry a password.
  console.log(`revocations are shared through Redis at ${new URL(url).host}`);
  return redisStore({ client });
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

// With METRICS=1, GET /metrics answers in the Prometheus text format, through OpenTelemetry's
// Prometheus exporter (loaded only then, as the otel subpath is).
async function metricsHandler(): Promise<RequestListener | undefined> {
  if (process.env.METRICS !== '1') return undefined;
  const [{ MeterProvider }, { PrometheusExporter }, { authenticationMetrics }] = await Promise.all([
    import('@opentelemetry/sdk-metrics'), import('@opentelemetry/exporter-prometheus'), import('../lib/otel'),
  ]);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  authenticationMetrics({ meterProvider: new MeterProvider({ readers: [exporter] }) });
  return (req, res) => exporter.getMetricsRequestHandler(req, res);
}

async function main(): Promise<void> {
  let apiKey = process.env.DEMO_API_KEY;
  if (apiKey === undefined || apiKey === '') {
    apiKey = randomBytes(18).toString('base64url');
    console.warn(`DEMO_API_KEY is not set: the service account's X-API-Key for this run is ${apiKey}`);
  }
  const app = createDemoApp({ signing: signing(), apiKey, store: await revocationStore() });
  await demoReady(app);
  const metrics = await metricsHandler();
  const worker = cluster.isWorker ? ` (worker ${process.pid})` : '';
  // Says which process answered, so that a cluster's load balancing can be seen with curl -i.
  const server = http.createServer((req, res) => {
    res.setHeader('X-Demo-Process', String(process.pid));
    if (metrics !== undefined && req.method === 'GET' && req.url === '/metrics') metrics(req, res);
    else app(req, res);
  });
  server.on('upgrade', demoUpgrades(app).upgrade);
  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address() as AddressInfo;
    console.log(`express-jwt-auth demo listening on http://127.0.0.1:${actual}${worker}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
