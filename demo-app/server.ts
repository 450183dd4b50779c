import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createDemoApp } from './app';

const port = Number(process.env.PORT ?? 3000);
let secret = process.env.JWT_SECRET;
if (secret === undefined || secret === '') {
  secret = randomBytes(32).toString('base64url');
  console.warn('JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart.');
}

let apiKey = process.env.DEMO_API_KEY;
if (apiKey === undefined || apiKey === '') {
  apiKey = randomBytes(18).toString('base64url');
  console.warn(`DEMO_API_KEY is not set: the service account's X-API-Key for this run is ${apiKey}`);
}

const server = createDemoApp({ secret, apiKey }).listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`express-jwt-auth demo listening on http://127.0.0.1:${actual}`);
});
