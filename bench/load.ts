import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ISSUER, AUDIENCE } from './config';
import type { LoadCommand, LoadReply, LoadRequest, LoadResult, TokenSource } from './load-protocol';

/**
 * The load generator: a long-lived child process, pinned by the orchestrator to a CPU of its
 * own, that runs autocannon (programmatic API) on request over IPC and answers with the numbers.
 * Kept alive between measurements so that no measurement pays for starting it.
 */

interface Pool {
  readonly tokens: readonly string[];
  cursor: number;
  wrapped: boolean;
}

const pools = new Map<string, Pool>();

function pool(file: string): Pool {
  let found = pools.get(file);
  if (found === undefined) {
    found = { tokens: readFileSync(file, 'utf8').split('\n').filter((line) => line !== ''), cursor: 0, wrapped: false };
    pools.set(file, found);
  }
  return found;
}

let generated = 0;
const HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** A distinct HS256 token per call: cheap enough (a few microseconds) to make on the fly. */
function generateHs256(secret: string): string {
  generated += 1;
  const nowSec = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: `user-${generated}`, scope: 'read', iat: nowSec, exp: nowSec + 3600, jti: `memory-${generated}` };
  const input = `${HS256_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The next-token function of a source, or `undefined` when every request is the same. */
function tokenSupplier(source: TokenSource): (() => string) | undefined {
  switch (source.kind) {
    case 'none':
    case 'fixed':
      return undefined;
    case 'pool': {
      const { tokens } = pool(source.file);
      const state = pool(source.file);
      return () => {
        if (state.cursor >= tokens.length) {
          state.cursor = 0;
          state.wrapped = true;
        }
        const token = tokens[state.cursor];
        state.cursor += 1;
        return token;
      };
    }
    case 'generate-hs256': {
      const secret = readFileSync(source.secretFile, 'utf8');
      return () => generateHs256(secret);
    }
  }
}

function options(request: LoadRequest, seconds: number, amount?: number): autocannon.Options {
  const next = tokenSupplier(request.tokens);
  const base: autocannon.Options = {
    url: request.url,
    connections: request.connections,
    // autocannon stops only at a sample tick: every 250 ms rather than every second, so that a
    // 1.5 s measurement takes 1.5 s. Only `requests.total` is read, not the per-sample counts.
    sampleInt: 250,
    ...(amount === undefined ? { duration: seconds } : { amount }),
  };
  if (request.tokens.kind === 'fixed') return { ...base, headers: { authorization: `Bearer ${request.tokens.token}` } };
  if (next === undefined) return base;
  return {
    ...base,
    requests: [{
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${next()}` } }),
    }],
  };
}

function statuses(result: autocannon.Result): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [status, stat] of Object.entries(result.statusCodeStats ?? {})) counts[status] = stat.count ?? 0;
  return counts;
}

async function run(request: LoadRequest): Promise<LoadResult> {
  if (request.warmupSec > 0) await autocannon(options(request, request.warmupSec));
  const result = await autocannon(options(request, request.durationSec, request.amount));
  const durationSec = (result.finish.getTime() - result.start.getTime()) / 1000;
  const source = request.tokens;
  return {
    rps: result.requests.total / durationSec,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    durationSec,
    statuses: statuses(result),
    errors: result.errors,
    timeouts: result.timeouts,
    poolWrapped: source.kind === 'pool' && pool(source.file).wrapped,
  };
}

function reply(message: LoadReply): void {
  process.send?.(message);
}

process.on('message', (command: LoadCommand) => {
  switch (command.type) {
    case 'reset':
      for (const state of pools.values()) {
        state.cursor = 0;
        state.wrapped = false;
      }
      return;
    case 'stop':
      process.exit(0);
      return;
    case 'run':
      run(command).then(
        (result) => reply({ type: 'result', id: command.id, result }),
        (err: unknown) => reply({ type: 'error', id: command.id, message: err instanceof Error ? err.message : String(err) }),
      );
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
