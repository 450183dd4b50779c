import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Proves what users get from the registry: the tarball `npm pack` builds (its `prepack` script
// runs the build), installed into a fresh project, loaded with `require` and with `import`.
// The tarball and the fresh project live in a temporary directory, never in the repository.

const REPO = path.resolve(__dirname, '..', '..');
const SETUP_TIMEOUT_MS = 240_000;
const SCRIPT_TIMEOUT_MS = 30_000;
const TYPECHECK_TIMEOUT_MS = 120_000;

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

// Every subpath of package.json "exports", whatever it lists: each must load with require() and
// import() from the installed tarball and type-check with skipLibCheck off, from a CommonJS and
// an ES module consumer (TypeScript's nodenext resolution, which reads "exports" as Node does).

interface PackageJson {
  readonly name: string;
  readonly exports?: unknown;
}

const PACKAGE = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;

/** One subpath of the exports map: the specifier a user writes, and whether it is JSON or code. */
interface Entry {
  readonly subpath: string;
  readonly specifier: string;
  readonly kind: 'json' | 'code';
  /** Every file the subpath's conditions point to, relative to the package root. */
  readonly files: readonly string[];
}

/** Every string a target of the exports map resolves to, through conditions and fallback arrays. */
function targetFiles(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (Array.isArray(target)) return target.flatMap(targetFiles);
  if (target !== null && typeof target === 'object') return Object.values(target).flatMap(targetFiles);
  return [];
}

function exportEntries(pkg: PackageJson): Entry[] {
  const { exports } = pkg;
  if (exports === undefined) throw new Error('package.json has no "exports"; this test reads the subpaths from it.');
  const isSubpathMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).every((key) => key.startsWith('.'));
  const entries: [string, unknown][] = isSubpathMap ? Object.entries(exports) : [['.', exports]];
  return entries.map(([subpath, target]) => {
    // A pattern ("./*") names no module to load; the test would have to guess what it covers.
    if (subpath.includes('*')) throw new Error(`exports pattern "${subpath}": list the concrete subpaths instead, so that each is tested.`);
    const files = targetFiles(target).map((file) => file.replace(/^\.\//, ''));
    return {
      subpath,
      specifier: subpath === '.' ? PACKAGE.name : `${PACKAGE.name}/${subpath.slice(2)}`,
      kind: files.length > 0 && files.every((file) => file.endsWith('.json')) ? 'json' : 'code',
      files,
    };
  });
}

const ENTRIES = exportEntries(PACKAGE);
const CODE_ENTRIES = ENTRIES.filter((entry) => entry.kind === 'code');

/** What the subpath consumer prints for each specifier. */
interface SubpathResult {
  readonly requireKeys?: readonly string[];
  readonly requireError?: string;
  readonly importKeys?: readonly string[];
  readonly importError?: string;
}

// Loads every subpath both ways and prints the exported names (for JSON, the top-level keys).
// Node adds "default" (and, since 23, "module.exports") to the namespace of a CommonJS module, and
// lists TypeScript's non-enumerable "__esModule" marker: none is an export of the package, so
// they are left out of the comparison.
const SUBPATH_CONSUMER = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const ENTRIES = ${JSON.stringify(ENTRIES.map(({ specifier, kind }) => ({ specifier, kind })))};
const keysOf = (value) => Object.keys(value).filter((key) => !['default', 'module.exports', '__esModule'].includes(key)).sort();
const results = {};
for (const { specifier, kind } of ENTRIES) {
  const result = {};
  try {
    result.requireKeys = keysOf(require(specifier));
  } catch (err) {
    result.requireError = String(err);
  }
  try {
    const namespace = kind === 'json' ? await import(specifier, { with: { type: 'json' } }) : await import(specifier);
    result.importKeys = keysOf(kind === 'json' ? namespace.default : namespace);
  } catch (err) {
    result.importError = String(err);
  }
  results[specifier] = result;
}
console.log(JSON.stringify(results));
`;

const TYPES_TSCONFIG = {
  compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: false, noEmit: true },
  include: ['types-*.cts', 'types-*.mts'],
};

/** The consumer files that import one code subpath: a CommonJS one and an ES module one. */
function typeConsumerFiles(index: number): [string, string] {
  return [`types-${index}.cts`, `types-${index}.mts`];
}

const typeConsumer = (entry: Entry): string =>
  `import * as entry from '${entry.specifier}';\nexport const exportCount: number = Object.keys(entry).length;\n`;

/** The version of a dev dependency installed here, so the consumer gets the same from npm's cache. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

let workDir = '';
let tarballFiles: string[] = [];
const outputs: Partial<Record<'cjs' | 'mjs' | 'subpaths', { status: number | null; stdout: string; stderr: string }>> = {};
let typecheck: { status: number | null; diagnostics: string[] } = { status: null, diagnostics: [] };

function runConsumer(fileName: string, projectDir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [fileName], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: SCRIPT_TIMEOUT_MS,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lastLineOf(kind: keyof typeof outputs): string {
  const output = outputs[kind];
  if (output === undefined) throw new Error(`the ${kind} consumer did not run`);
  if (output.status !== 0) throw new Error(`the ${kind} consumer exited with ${String(output.status)}:\n${output.stderr}`);
  const lines = output.stdout.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function resultOf(kind: 'cjs' | 'mjs'): ConsumerResult {
  return JSON.parse(lastLineOf(kind)) as ConsumerResult;
}

function subpathResultOf(entry: Entry): SubpathResult {
  const result = (JSON.parse(lastLineOf('subpaths')) as Record<string, SubpathResult>)[entry.specifier];
  if (result === undefined) throw new Error(`the subpath consumer printed nothing for ${entry.specifier}`);
  return result;
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
  // What a TypeScript user installs beside the package: express (a peer dependency) and its types.
  const typePackages = ['@types/express', '@types/node'].map((name) => `${name}@${installedVersion(name)}`);
  // The optional peers a subpath needs to load (express-jwt-auth/otel: @opentelemetry/api, whose exports hide its package.json).
  const subpathPeers = ['@opentelemetry/api'].map((name) => `${name}@${(JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`);
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'express@5', ...typePackages, ...subpathPeers], projectDir);

  writeFileSync(path.join(projectDir, 'consumer.cjs'), CJS_CONSUMER);
  writeFileSync(path.join(projectDir, 'consumer.mjs'), ESM_CONSUMER);
  writeFileSync(path.join(projectDir, 'subpaths.mjs'), SUBPATH_CONSUMER);
  outputs.cjs = runConsumer('consumer.cjs', projectDir);
  outputs.mjs = runConsumer('consumer.mjs', projectDir);
  outputs.subpaths = runConsumer('subpaths.mjs', projectDir);

  writeFileSync(path.join(projectDir, 'tsconfig.json'), JSON.stringify(TYPES_TSCONFIG, null, 2));
  CODE_ENTRIES.forEach((entry, index) => {
    for (const file of typeConsumerFiles(index)) writeFileSync(path.join(projectDir, file), typeConsumer(entry));
  });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: TYPECHECK_TIMEOUT_MS,
  });
  typecheck = { status: tsc.status, diagnostics: `${tsc.stdout}${tsc.stderr}`.split('\n').filter((line) => line.trim() !== '') };
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

describe('the npm pack tarball', () => {
  it('contains the compiled entry point, its declarations, the README and package.json', () => {
    const missing = ['dist/index.js', 'dist/index.d.ts', 'README.md', 'package.json'].filter((file) => !tarballFiles.includes(file));
    expect(missing).toEqual([]);
  });

  it('contains LICENSE and CHANGELOG.md', () => {
    expect(['LICENSE', 'CHANGELOG.md'].filter((file) => !tarballFiles.includes(file))).toEqual([]);
  });

  it('contains every file the exports map of package.json points to', () => {
    const targets = ENTRIES.flatMap((entry) => entry.files);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((file) => !tarballFiles.includes(file))).toEqual([]);
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

describe.each(ENTRIES.map((entry) => [entry.subpath, entry] as const))('the exports subpath %s of the installed package', (_subpath, entry) => {
  it('loads with require() and with import(), and both give the same non-empty set of exports', () => {
    const result = subpathResultOf(entry);
    expect({ requireError: result.requireError, importError: result.importError }).toEqual({ requireError: undefined, importError: undefined });
    expect(result.requireKeys?.length).toBeGreaterThan(0);
    expect(result.importKeys).toEqual(result.requireKeys);
  });

  if (entry.kind === 'code') {
    it('type-checks when imported from a CommonJS and an ES module file, with skipLibCheck false', () => {
      const files = typeConsumerFiles(CODE_ENTRIES.indexOf(entry));
      expect(typecheck.diagnostics.filter((line) => files.some((file) => line.startsWith(file)))).toEqual([]);
    });
  }
});

describe('the declarations of the installed package', () => {
  it('type-check with skipLibCheck false and nodenext resolution, with no error in any file', () => {
    expect(CODE_ENTRIES.length).toBeGreaterThan(0);
    expect(typecheck.diagnostics).toEqual([]);
    expect(typecheck.status).toBe(0);
  });
});
