// npm run demo:cluster: the demo as several processes on one port (Node's cluster module), all
// sharing revocations through Redis, so that a token revoked through one worker is refused by
// every other. Needs REDIS_URL; JWT_SECRET and DEMO_API_KEY are made up once here if unset, so
// that every worker signs and checks with the same ones.
import { randomBytes } from 'node:crypto';
import cluster from 'node:cluster';

const workers = Number(process.env.WORKERS ?? 3);

if (cluster.isPrimary) {
  if (process.env.REDIS_URL === undefined || process.env.REDIS_URL === '') {
    console.error('demo:cluster needs Redis: REDIS_URL=redis://127.0.0.1:6379 npm run demo:cluster');
    process.exit(1);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    console.error('WORKERS must be a whole number of processes, at least 1.');
    process.exit(1);
  }
  const env: Record<string, string> = {};
  if (process.env.DEMO_ALGORITHM !== 'EdDSA' && !process.env.JWT_SECRET) {
    env.JWT_SECRET = randomBytes(32).toString('base64url');
    console.warn('JWT_SECRET is not set: using a random secret shared by the workers for this run.');
  }
  if (process.env.DEMO_ALGORITHM === 'EdDSA' && !process.env.JWT_PRIVATE_KEY) {
    console.error('demo:cluster in EdDSA mode needs JWT_PRIVATE_KEY, so that every worker signs with the same key.');
    process.exit(1);
  }
  if (!process.env.DEMO_API_KEY) {
    env.DEMO_API_KEY = randomBytes(18).toString('base64url');
    console.warn(`DEMO_API_KEY is not set: the service account's X-API-Key for this run is ${env.DEMO_API_KEY}`);
  }
  for (let i = 0; i < workers; i++) cluster.fork(env);
  const stop = (): void => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  void import('./server');
}
