import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createDemoApp, type DemoSigning } from './app';

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

let apiKey = process.env.DEMO_API_KEY;
if (apiKey === undefined || apiKey === '') {
  apiKey = randomBytes(18).toString('base64url');
  console.warn(`DEMO_API_KEY is not set: the service account's X-API-Key for this run is ${apiKey}`);
}

const server = createDemoApp({ signing: signing(), apiKey }).listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`express-jwt-auth demo listening on http://127.0.0.1:${actual}`);
});
