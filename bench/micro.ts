import { spawnSync } from 'node:child_process';
import { createHmac, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { jwtVerify } from 'jose';
import jsonwebtoken, { type Algorithm as JwtAlgorithm } from 'jsonwebtoken';
import { JWTAuthenticationBackend } from '../lib';
import { AUDIENCE, BENCH_ALGORITHMS, type BenchAlgorithm, ISSUER } from './config';
import { describeEnvironment, ownPinning } from './environment';
import { compileBench, compiledScript } from './paths';
import { writeReadmeBlock } from './readme';
import { renderBlock, renderMicro } from './report';
import { type MicroResults, type MicroRow, storeResults } from './results-store';
import { median, spread } from './stats';
import { type SigningKey, signJwt, validClaims } from './tokens';
import { projectOptions } from './variants/project';

/**
 * `npm run bench:micro`: verification alone, in one process, without HTTP. The project's
 * `authenticate()` (extraction, verification, claims, user) with its cache on (the same token
 * again: a hit) and off, against jsonwebtoken given a KeyObject or the string/PEM the peers
 * pass it, jose (async, as express-oauth2-jwt-bearer uses it), and a hand-written check with
 * node:crypto (signature, then exp, iss and aud). Repeats are interleaved; medians reported.
 * Runs compiled, like the servers of `npm run bench`.
 */

const { values: args } = parseArgs({ options: { 'no-write': { type: 'boolean', default: false }, ms: { type: 'string' }, repeats: { type: 'string' } } });
const MEASURE_MS = Number(args.ms ?? 300);
const REPEATS = Number(args.repeats ?? 3);

interface Keys {
  readonly signing: SigningKey;
  /** The secret string or public PEM, as the peers take it. */
  readonly text: string;
  readonly object: KeyObject;
}

function makeKeys(algorithm: BenchAlgorithm): Keys {
  if (algorithm === 'HS256') {
    const secret = createHmac('sha256', 'micro').update(String(Math.random())).digest('base64url');
    return { signing: { algorithm, secret }, text: secret, object: createSecretKey(Buffer.from(secret)) };
  }
  const pair = algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { signing: { algorithm, key: pair.privateKey }, text: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), object: createPublicKey(pair.privateKey) };
}

type Verifier = (token: string) => unknown;

/** The hand-written verifier: what any JWT library must do at least. */
function byHand(algorithm: BenchAlgorithm, key: KeyObject): Verifier {
  return (token) => {
    const [header, payload, signature] = token.split('.');
    const input = Buffer.from(`${header}.${payload}`);
    const bytes = Buffer.from(signature, 'base64url');
    let valid: boolean;
    if (algorithm === 'HS256') {
      const expected = createHmac('sha256', key).update(input).digest();
      valid = expected.length === bytes.length && timingSafeEqual(expected, bytes);
    } else {
      const digest = algorithm === 'EdDSA' ? null : 'sha256';
      valid = cryptoVerify(digest, input, algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, bytes);
    }
    if (!valid || (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown }).alg !== algorithm) throw new Error('bad signature');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp?: unknown; iss?: unknown; aud?: unknown };
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000 || claims.iss !== ISSUER || claims.aud !== AUDIENCE) throw new Error('bad claims');
    return claims;
  };
}

function projectVerifier(keys: Keys, algorithm: BenchAlgorithm, cacheSize: number | undefined): Verifier | undefined {
  let backend: JWTAuthenticationBackend;
  try {
    backend = new JWTAuthenticationBackend(projectOptions({ algorithm, key: keys.text, ...(cacheSize === undefined ? {} : { cacheSize }) }));
  } catch (err) {
    if (err instanceof TypeError && err.message.includes('unknown option "cacheSize"')) return undefined;
    throw err;
  }
  return (token) => {
    const value = `Bearer ${token}`;
    return backend.authenticate({ headers: { authorization: value }, rawHeaders: ['Authorization', value] } as unknown as IncomingMessage);
  };
}

interface Case {
  readonly implementation: string;
  readonly algorithm: BenchAlgorithm;
  readonly token: string;
  readonly run: Verifier;
  readonly async: boolean;
}

function cases(): Case[] {
  const list: Case[] = [];
  for (const algorithm of BENCH_ALGORITHMS) {
    const keys = makeKeys(algorithm);
    const token = signJwt(keys.signing, validClaims(Math.floor(Date.now() / 1000)));
    const add = (implementation: string, run: Verifier | undefined, async = false): void => {
      if (run !== undefined) list.push({ implementation, algorithm, token, run, async });
    };
    const withCache = projectVerifier(keys, algorithm, 10_000);
    if (withCache === undefined) add('express-jwt-auth `authenticate()`', projectVerifier(keys, algorithm, undefined));
    add('express-jwt-auth `authenticate()`, cache on (same token)', withCache);
    add('express-jwt-auth `authenticate()`, cache off', projectVerifier(keys, algorithm, 0));
    const options = { algorithms: [algorithm as JwtAlgorithm], issuer: ISSUER, audience: AUDIENCE };
    if (algorithm !== 'EdDSA') {
      add('jsonwebtoken, KeyObject', (token) => jsonwebtoken.verify(token, keys.object, options));
      add('jsonwebtoken, string/PEM (as express-jwt, passport-jwt)', (token) => jsonwebtoken.verify(token, keys.text, options));
    }
    add('jose `jwtVerify` (async, as express-oauth2-jwt-bearer)', (token) => jwtVerify(token, keys.object, { algorithms: [algorithm], issuer: ISSUER, audience: AUDIENCE }), true);
    add('node:crypto by hand (signature, exp, iss, aud)', byHand(algorithm, keys.object));
  }
  return list;
}

async function time(item: Case, milliseconds: number): Promise<number> {
  const { token } = item;
  let operations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(milliseconds) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let index = 0; index < 100; index += 1) {
      if (item.async) await item.run(token);
      else item.run(token);
    }
    operations += 100;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / operations;
}

async function main(): Promise<void> {
  const list = cases();
  const samples = new Map<Case, number[]>();
  for (const item of list) {
    // A wrong configuration throws here, before anything is timed.
    if (item.async) await item.run(item.token);
    else item.run(item.token);
    await time(item, Math.min(200, MEASURE_MS));
  }
  for (let round = 0; round < REPEATS; round += 1) {
    for (const item of list) samples.set(item, [...(samples.get(item) ?? []), await time(item, MEASURE_MS)]);
  }
  const rows: MicroRow[] = [];
  const implementations = [...new Set(list.map((item) => item.implementation))];
  for (const implementation of implementations) {
    for (const algorithm of BENCH_ALGORITHMS) {
      const item = list.find((entry) => entry.implementation === implementation && entry.algorithm === algorithm);
      const values = item === undefined ? [] : samples.get(item) ?? [];
      rows.push(values.length === 0 ? { algorithm, implementation } : { algorithm, implementation, nsPerOp: median(values), spread: spread(values) });
    }
  }
  const micro: MicroResults = {
    environment: describeEnvironment(ownPinning()),
    rows,
    note: `Median time per verification of one valid token over ${REPEATS} interleaved runs of ${MEASURE_MS} ms each; spread in brackets.`,
  };
  console.log(`\n${renderMicro(micro).join('\n')}\n`);
  if (args['no-write'] !== true) writeReadmeBlock(renderBlock(storeResults({ micro })));
}

if (__filename.endsWith('.ts')) {
  // Measured as users run it, compiled by tsc like the servers of `npm run bench`: through tsx,
  // its keep-names helper would add a property definition to every closure the library creates.
  compileBench();
  const child = spawnSync(process.execPath, [compiledScript('micro.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
