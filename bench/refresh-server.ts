import type { AddressInfo } from 'node:net';
import express from 'express';
import { JWTAuthenticationBackend, memoryStore, refreshHandler, type Store } from '../lib';
import { redisStore } from '../lib/redis';

/**
 * One server of the refresh benchmark: `refresh-server.ts <secret> [redisUrl]`. Its backend
 * keeps refresh-token families in a `memoryStore()`, or with a URL in Redis (node-redis).
 * `POST /login` (`{ sub }`) signs in through `login()`; `POST /refresh` is `refreshHandler`
 * behind `express.json()`. Prints `ready <port>`.
 */
async function main(): Promise<void> {
  const [secret, url] = process.argv.slice(2);
  let store: Store = memoryStore({ maxEntries: 1_000_000 });
  if (url !== undefined) {
    const { createClient } = await import('redis');
    const client = createClient({ url });
    client.on('error', () => undefined);
    await client.connect();
    store = redisStore({ client, prefix: 'bench-refresh:' });
  }
  const backend = new JWTAuthenticationBackend({ secretKey: secret, expiresIn: 900, store, refreshTokens: {} });
  await backend.ready();
  const app = express();
  app.post('/login', express.json(), (req, res) => { backend.login(res, { sub: (req.body as { sub: string }).sub, scope: 'read write' }, { status: 200 }); });
  app.post('/refresh', express.json(), refreshHandler(backend));
  const server = app.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => process.exit(0));
}

void main();
