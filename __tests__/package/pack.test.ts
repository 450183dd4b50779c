import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Proves what users get from the registry: the tarball `npm pack` builds (its `prepack` script
// runs the build), installed into a fresh project, loaded with `require` and with `import`.
// The tarball and the fresh project live in a temporary directory, never in the repository.

const REPO = path.resolve(__dirname, '..', '..');
const SETUP_TIMEOUT_MS = 180_000;
const SCRIPT_TIMEOUT_MS = 30_000;

// Set by `npm test` for this package; they must not leak into the nested npm commands (a
// `local_prefix` pointing at the repository, `loglevel=silent` hiding the reason of a failure).
const NPM_ENV_TO_DROP = /^(npm_package_|npm_lifecycle_|npm_command$|npm_config_(local_prefix|prefix|global_prefix|loglevel|yes)$|INIT_CWD$)/i;

function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !NPM_ENV_TO_DROP.test(name)));
}

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], {
    cwd,
    env: npmEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: SETUP_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** What each consumer script prints, as one JSON line. */
interface ConsumerResult {
  readonly loader: 'require' | 'import';
  readonly exportTypes: Readonly<Record<string, string>>;
  readonly sameModuleBothWays: boolean;
  readonly withToken: { readonly status: number; readonly body: unknown };
  readonly withoutToken: { readonly status: number; readonly wwwAuthenticate: string | null; readonly handlerRan: boolean };
}

const EXPORT_NAMES = [
  'authenticationMiddleware',
  'JWTAuthenticationBackend',
  'authenticated',
  'requires',
  'anonymousAllowed',
  'AuthCredentials',
  'InvalidTokenError',
] as const;

// The body both consumers share: an Express app with the middleware and `authenticated()`, on
// 127.0.0.1 and an ephemeral port, asked once with a valid HS256 token and once without. The
// token is signed by hand with node:crypto, so the check depends on nothing but the package.
// Each consumer defines EXPORT_NAMES, exported, LOADER and loadTheOtherWay (the package through
// the other loader): one build serves both loaders, so the classes must be the same objects
// either way, or instanceof would break in a mixed CommonJS/ESM app (the dual-package hazard).
const CONSUMER_BODY = `
const SECRET = 'pack-test-secret-0123456789abcdef';
const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
function signHs256(payload) {
  const signingInput = encode({ alg: 'HS256', typ: 'JWT' }) + '.' + encode(payload);
  return signingInput + '.' + crypto.createHmac('sha256', SECRET).update(signingInput).digest('base64url');
}

async function main() {
  let handlerRan = false;
  const app = express();
  app.use(authenticationMiddleware(new JWTAuthenticationBackend({ secretKey: SECRET })));
  app.get('/me', authenticated(), (req, res) => {
    handlerRan = true;
    res.json({ user: req.user.displayName, identity: req.user.identity, scopes: req.auth.scopes });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = 'http://127.0.0.1:' + server.address().port + '/me';
    const now = Math.floor(Date.now() / 1000);
    const token = signHs256({ sub: 'user-1', username: 'alice', scope: 'read', iat: now, exp: now + 300 });
    const ok = await fetch(url, { headers: { authorization: 'Bearer ' + token } });
    const okBody = await ok.json();
    handlerRan = false;
    const anonymous = await fetch(url);
    await anonymous.arrayBuffer();
    const exportTypes = Object.fromEntries(EXPORT_NAMES.map((name) => [name, typeof exported[name]]));
    const other = await loadTheOtherWay();
    const sameModuleBothWays = other.InvalidTokenError === InvalidTokenError
      && other.authenticationMiddleware === authenticationMiddleware;
    console.log(JSON.stringify({
      loader: LOADER,
      exportTypes,
      sameModuleBothWays,
      withToken: { status: ok.status, body: okBody },
      withoutToken: { status: anonymous.status, wwwAuthenticate: anonymous.headers.get('www-authenticate'), handlerRan },
    }));
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;

const CJS_CONSUMER = `'use strict';
const crypto = require('node:crypto');
const { once } = require('node:events');
const express = require('express');
const { ${EXPORT_NAMES.join(', ')} } = require('express-jwt-auth');
const exported = { ${EXPORT_NAMES.join(', ')} };
const EXPORT_NAMES = ${JSON.stringify(EXPORT_NAMES)};
const LOADER = 'require';
const loadTheOtherWay = () => import('express-jwt-auth');
${CONSUMER_BODY}`;

const ESM_CONSUMER = `import crypto from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import express from 'express';
import { ${EXPORT_NAMES.join(', ')} } from 'express-jwt-auth';
const exported = { ${EXPORT_NAMES.join(', ')} };
const EXPORT_NAMES = ${JSON.stringify(EXPORT_NAMES)};
const LOADER = 'import';
const loadTheOtherWay = async () => createRequire(import.meta.url)('express-jwt-auth');
${CONSUMER_BODY}`;

let workDir = '';
let tarballFiles: string[] = [];
const outputs: Partial<Record<'cjs' | 'mjs', { status: number | null; stdout: string; stderr: string }>> = {};

function runConsumer(fileName: string, projectDir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [fileName], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: SCRIPT_TIMEOUT_MS,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function resultOf(kind: 'cjs' | 'mjs'): ConsumerResult {
  const output = outputs[kind];
  if (output === undefined) throw new Error(`the ${kind} consumer did not run`);
  if (output.status !== 0) throw new Error(`the ${kind} consumer exited with ${String(output.status)}:\n${output.stderr}`);
  const lines = output.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as ConsumerResult;
}

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'express-jwt-auth-pack-'));
  const packOutput = JSON.parse(npm(['pack', '--json', '--pack-destination', workDir], REPO)) as { filename: string }[];
  const tarball = path.join(workDir, packOutput[0]?.filename ?? '');
  tarballFiles = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));

  const projectDir = path.join(workDir, 'consumer');
  mkdirSync(projectDir);
  writeFileSync(path.join(projectDir, 'package.json'), `${JSON.stringify({ name: 'pack-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'express@5'], projectDir);

  writeFileSync(path.join(projectDir, 'consumer.cjs'), CJS_CONSUMER);
  writeFileSync(path.join(projectDir, 'consumer.mjs'), ESM_CONSUMER);
  outputs.cjs = runConsumer('consumer.cjs', projectDir);
  outputs.mjs = runConsumer('consumer.mjs', projectDir);
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

describe('the npm pack tarball', () => {
  it('contains the compiled entry point, its declarations, the README and package.json', () => {
    const missing = ['dist/index.js', 'dist/index.d.ts', 'README.md', 'package.json'].filter((file) => !tarballFiles.includes(file));
    expect(missing).toEqual([]);
  });

  it('contains no TypeScript sources, tests or demo app', () => {
    const unwanted = tarballFiles.filter((file) => /^(lib|__tests__|demo-app)\//.test(file)
      || /\.test\.[cm]?[jt]s$/.test(file)
      || (file.endsWith('.ts') && !file.endsWith('.d.ts')));
    expect(unwanted).toEqual([]);
  });
});

describe.each([
  ['require() from a CommonJS script', 'cjs', 'require'],
  ['import from an ES module', 'mjs', 'import'],
] as const)('the installed package loaded with %s', (_title, kind, loader) => {
  it(`exposes the middleware, guards, backend and error classes as functions via ${loader}`, () => {
    const result = resultOf(kind);
    expect(result.loader).toBe(loader);
    expect(result.exportTypes).toEqual(Object.fromEntries(EXPORT_NAMES.map((name) => [name, 'function'])));
  });

  it(`answers 200 with the user and scopes to a request with a valid HS256 token via ${loader}`, () => {
    expect(resultOf(kind).withToken).toEqual({
      status: 200,
      body: { user: 'alice', identity: 'user-1', scopes: ['authenticated', 'read'] },
    });
  });

  it(`answers 401 with a bare Bearer challenge, without running the handler, to a request without a token via ${loader}`, () => {
    expect(resultOf(kind).withoutToken).toEqual({ status: 401, wwwAuthenticate: 'Bearer realm="api"', handlerRan: false });
  });

  it(`gets the same module instance as the other loader when loaded via ${loader}`, () => {
    expect(resultOf(kind).sameModuleBothWays).toBe(true);
  });
});
