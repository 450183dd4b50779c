import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { authenticated, authenticationMiddleware, JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../lib';
import { redisStore } from '../lib/redis';

/**
 * One server of the revocation benchmark: `revocation-server.ts <secret> [redisUrl]`. Without a
 * URL the backend has no store; with one it checks every request against revocations shared
 * through Redis (node-redis), a thousand `jti`s and a hundred subjects revoked beforehand so the
 * check is never the empty fast path. `GET /protected` answers the subject; `POST /revoke`
 * revokes the token it carries. Prints `ready <port>`.
 */
async function main(): Promise<void> {
  const [secret, url] = process.argv.slice(2);
  const options: JWTAuthenticationBackendOptions = { secretKey: secret };
  let backend: JWTAuthenticationBackend;
  if (url === undefined) {
    backend = new JWTAuthenticationBackend(options);
  } else {
    const { createClient } = await import('redis');
    const client = createClient({ url });
    client.on('error', () => undefined);
    await client.connect();
    backend = new JWTAuthenticationBackend({ ...options, store: redisStore({ client, prefix: 'bench:' }) });
    await backend.ready();
    if (process.env.BENCH_SEED === '1') {
      await Promise.all(Array.from({ length: 1000 }, () => backend.revoke(randomUUID())));
      await Promise.all(Array.from({ length: 100 }, (_, i) => backend.revokeSubject(`revoked-user-${i}`)));
    }
  }
  const app = express();
  app.use(authenticationMiddleware(backend));
  app.get('/protected', authenticated((req, res) => { res.json({ sub: req.user.identity }); }));
  app.post('/revoke', authenticated(async (req, res) => {
    await backend.revoke(req.auth.token as string);
    res.status(204).end();
  }));
  const server = app.listen(0, '127.0.0.1', () => console.log(`ready ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => process.exit(0));
}

void main();
