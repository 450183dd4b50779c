import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import jsonwebtoken from 'jsonwebtoken';
import { authenticated, authenticationMiddleware, JWTAuthenticationBackend, memoryStore } from '../lib';
import { median } from './stats';

/**
 * `npm run bench:dpop`: what a DPoP request costs against a Bearer request, measured in the same
 * run. The same backend (`dpop: 'allowed'`, a memory store) answers both; the Bearer token and the
 * DPoP-bound token are the same size and both come from the verified-token cache, so the
 * difference is the proof: its decoding, public-key import, ES256 signature check, claims,
 * `ath`, thumbprint and the `jti` reservation. Every DPoP request carries a fresh proof, as a
 * real client sends (signed before the timing starts: the client's cost is not the server's).
 * Two measures, each in 3 interleaved rounds, medians reported: `authenticate()` alone, and
 * whole requests over HTTP keep-alive to an Express 5 app on 127.0.0.1.
 */

const SECRET = randomUUID() + randomUUID();
const PUBLIC_ORIGIN = 'https://api.example.test';
const ROUNDS = 3;
const DIRECT_REQUESTS = 3000;
const HTTP_REQUESTS = 1500;

const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = client.publicKey.export({ format: 'jwk' });
const jkt = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const bearerToken = jsonwebtoken.sign({ sub: 'bench', scope: 'read', pad: 'to the size of the DPoP token, whose cnf.jkt is 43 chars' }, SECRET, { expiresIn: 3600 });
const dpopToken = jsonwebtoken.sign({ sub: 'bench', scope: 'read', cnf: { jkt } }, SECRET, { expiresIn: 3600 });
const ath = createHash('sha256').update(dpopToken).digest('base64url');
const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk })).toString('base64url');

function proof(path: string): string {
  const payload = Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'GET', htu: `${PUBLIC_ORIGIN}${path}`, iat: now(), ath })).toString('base64url');
  const input = `${header}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: client.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function fakeRequest(headers: Record<string, string>): IncomingMessage {
  const rawHeaders = Object.entries(headers).flat();
  return { headers, rawHeaders, method: 'GET', url: '/probe', socket: {} } as unknown as IncomingMessage;
}

async function direct(backend: JWTAuthenticationBackend, dpop: boolean): Promise<number> {
  const requests = Array.from({ length: DIRECT_REQUESTS }, () => fakeRequest(dpop
    ? { authorization: `DPoP ${dpopToken}`, dpop: proof('/probe') }
    : { authorization: `Bearer ${bearerToken}` }));
  const start = process.hrtime.bigint();
  for (const req of requests) {
    const result = await backend.authenticate(req);
    if (result === null) throw new Error('not authenticated');
  }
  return Number(process.hrtime.bigint() - start) / 1000 / DIRECT_REQUESTS;
}

function get(agent: http.Agent, port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/probe', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function overHttp(port: number, dpop: boolean): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = Array.from({ length: HTTP_REQUESTS }, (): Record<string, string> => (dpop ? { Authorization: `DPoP ${dpopToken}`, DPoP: proof('/probe') } : { Authorization: `Bearer ${bearerToken}` }));
  const start = process.hrtime.bigint();
  for (const item of headers) {
    const status = await get(agent, port, item);
    if (status !== 200) throw new Error(`status ${status}`);
  }
  const perRequest = Number(process.hrtime.bigint() - start) / 1000 / HTTP_REQUESTS;
  agent.destroy();
  return perRequest;
}

async function main(): Promise<void> {
  const store = memoryStore();
  const backend = new JWTAuthenticationBackend({ secretKey: SECRET, store, dpop: 'allowed', dpopOptions: { publicBaseUrl: PUBLIC_ORIGIN } });
  await backend.ready();
  const app = express();
  app.use(authenticationMiddleware(backend));
  app.get('/probe', authenticated((req, res) => { res.json({ sub: req.user.identity }); }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  // Warm-up: the JIT, the token cache, the connection.
  await direct(backend, false);
  await direct(backend, true);
  await overHttp(port, false);
  await overHttp(port, true);
  const results = { directBearer: [] as number[], directDpop: [] as number[], httpBearer: [] as number[], httpDpop: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    results.directBearer.push(await direct(backend, false));
    results.directDpop.push(await direct(backend, true));
    results.httpBearer.push(await overHttp(port, false));
    results.httpDpop.push(await overHttp(port, true));
  }
  const us = (values: number[]): string => `${median(values).toFixed(1)} µs`;
  const ratio = (dpop: number[], bearer: number[]): string => (median(dpop) / median(bearer)).toFixed(1);
  console.log(`authenticate(): Bearer ${us(results.directBearer)}, DPoP ${us(results.directDpop)} per request: DPoP/Bearer = ${ratio(results.directDpop, results.directBearer)}x`);
  console.log(`HTTP keep-alive, one connection: Bearer ${us(results.httpBearer)}, DPoP ${us(results.httpDpop)} per request: DPoP/Bearer = ${ratio(results.httpDpop, results.httpBearer)}x`);
  console.log(`(medians of ${ROUNDS} interleaved rounds of ${DIRECT_REQUESTS} and ${HTTP_REQUESTS} requests; Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs shared with other work)`);
  server.close();
  server.closeAllConnections();
  await backend.close();
  await store.close();
}

void main();
