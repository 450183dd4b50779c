/**
 * The soak test: `npm run soak -- --seconds 60`. Starts the demo app (HS256) in a child process
 * on 127.0.0.1 (`bench/soak-server.ts`), drives it with many keep-alive connections and a mix
 * of valid, expired, forged, malformed and missing credentials in the header and the cookie
 * (`bench/soak-scenarios.ts`), checks every answer against the decision it must get, and
 * prints what it saw. It fails (exit code 1) when any of these is not zero: wrong decisions,
 * 5xx answers, requests without an answer, uncaught exceptions or unhandled rejections in the
 * server; or when the server's resident memory grew by more than the bound between the end of
 * the warm-up and the end of the run (a run too short for that to mean anything, as the one in
 * `npm test`, passes `judgeMemory: false` and neither judges nor prints the memory).
 *
 * Options: `--seconds N` (default 60), `--warmup-seconds N` (10), `--connections N` (64),
 * `--rss-bound-mb N` (50), `--prefill N` (10000 fresh tokens during warm-up, enough to fill
 * the backend's verified-token cache so that the measured run sees it full).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type Answer, send, serverStats, startServer } from './soak-client';
import { memoryFailure, peakOf } from './soak-memory';
import { judge, type Scenario, soakScenarios, weightedPicker } from './soak-scenarios';

/** How long, how hard, and how much memory growth is tolerated. */
export interface SoakOptions {
  /** Length of the measured run, in seconds. */
  readonly seconds: number;
  /** Length of the warm-up before the starting memory is read, in seconds. */
  readonly warmupSeconds: number;
  /** Concurrent keep-alive connections, each sending one request after another. */
  readonly connections: number;
  /** The largest growth of the server's RSS tolerated over the measured run, in MiB. */
  readonly rssBoundMb: number;
  /**
   * Whether the run judges (and prints) the server's memory growth. A run of a few seconds is
   * too short for the bound to mean anything: its growth is the heap settling, not a leak.
   */
  readonly judgeMemory: boolean;
  /** Fresh tokens sent first during warm-up, to fill the verified-token cache. */
  readonly prefill: number;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  seconds: 60, warmupSeconds: 10, connections: 64, rssBoundMb: 50, judgeMemory: true, prefill: 10_000, log: (line) => console.log(line),
};

/** What a soak run saw. `failures` lists every must-be-zero that was not, and the memory bound when judged. */
export interface SoakReport {
  readonly seconds: number;
  readonly connections: number;
  /** Requests answered, warm-up included. */
  readonly requests: number;
  /** Requests answered in the measured run (after the warm-up). */
  readonly measuredRequests: number;
  readonly requestsPerSecond: number;
  readonly byScenario: Readonly<Record<string, number>>;
  readonly wrongDecisions: number;
  readonly serverErrors: number;
  /** Requests that got no answer (connection reset, timeout). */
  readonly lostRequests: number;
  /** Uncaught exceptions plus unhandled rejections in the server process. */
  readonly unhandledErrors: number;
  /** Up to 10 descriptions of what went wrong, for the log. */
  readonly examples: readonly string[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  /** The largest RSS of every sample: after the warm-up, every 2 s, and at the end. */
  readonly rssPeakMb: number;
  readonly rssBoundMb: number;
  /** Whether `failures` includes the memory bound, and the report prints the memory. */
  readonly judgeMemory: boolean;
  readonly heapStartMb: number;
  readonly heapEndMb: number;
  readonly failures: readonly string[];
}

const MB = 1024 * 1024;

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * Runs the soak and reports; never throws for a failed check (see `failures`), only when the
 * server cannot be started.
 *
 * @example
 * ```ts
 * const report = await runSoak({ seconds: 5, connections: 32 });
 * expect(report.failures).toEqual([]);
 * ```
 */
export async function runSoak(overrides: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options: SoakOptions = { ...DEFAULT_SOAK_OPTIONS, ...overrides };
  const secret = randomBytes(32).toString('base64url');
  const apiKey = randomBytes(18).toString('base64url');
  const server = await startServer(secret, apiKey);
  const { port } = server;
  let serverExited = false;
  server.child.once('exit', () => {
    serverExited = true;
  });
  const scenarios = soakScenarios({ secret, apiKey, host: `127.0.0.1:${port}` });
  const pick = weightedPicker(scenarios);
  const fresh = scenarios.find((scenario) => scenario.name === 'fresh valid token in the header') as Scenario;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });

  const byScenario: Record<string, number> = {};
  const examples: string[] = [];
  const latencies: number[] = [];
  let wrongDecisions = 0;
  let serverErrors = 0;
  let lostRequests = 0;
  let prefillLeft = options.prefill;
  const note = (line: string): void => {
    if (examples.length < 10) examples.push(line);
  };

  async function worker(running: () => boolean, measure: boolean): Promise<void> {
    while (running() && !serverExited) {
      const scenario = prefillLeft-- > 0 ? fresh : pick();
      const request = scenario.make();
      const started = process.hrtime.bigint();
      let answer: Answer;
      try {
        answer = await send(agent, port, request);
      } catch (err) {
        lostRequests += 1;
        note(`${scenario.name}: no answer (${err instanceof Error ? err.message : String(err)})`);
        continue;
      }
      if (measure) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      byScenario[scenario.name] = (byScenario[scenario.name] ?? 0) + 1;
      if (answer.status >= 500) serverErrors += 1;
      const wrong = judge(request.expect, answer.status, answer.headers, answer.body);
      if (wrong !== undefined) {
        wrongDecisions += 1;
        note(`${scenario.name}: ${wrong}`);
      }
    }
  }

  // The warm-up lasts its seconds and until the prefill is sent, so that the measured run starts
  // with the verified-token cache full and the heap at its working size.
  const phase = (seconds: number, measure: boolean): Promise<void[]> => {
    const deadline = Date.now() + seconds * 1000;
    const running = measure ? () => Date.now() < deadline : () => Date.now() < deadline || prefillLeft > 0;
    return Promise.all(Array.from({ length: options.connections }, () => worker(running, measure)));
  };

  try {
    options.log(`soak: demo app (HS256) on 127.0.0.1:${port}, ${options.connections} keep-alive connections, ${scenarios.length} scenarios`);
    await phase(options.warmupSeconds, false);
    const start = await serverStats(port, true);
    options.log(`soak: warm-up done (${Object.values(byScenario).reduce((a, b) => a + b, 0)} requests), RSS ${round(start.rssBytes / MB)} MiB; running ${options.seconds} s`);
    const rssSamples = [start.rssBytes];
    const began = Date.now();
    let samples = 0;
    const sampler = setInterval(() => {
      samples += 1;
      serverStats(port, false).then((stats) => {
        rssSamples.push(stats.rssBytes);
        // A line every 10 s, so a long run shows whether memory levels off or keeps climbing.
        if (samples % 5 === 0) options.log(`soak: ${Math.round((Date.now() - began) / 1000)} s, ${latencies.length} requests, RSS ${round(stats.rssBytes / MB)} MiB, heap ${round(stats.heapUsedBytes / MB)} MiB`);
      }, () => undefined);
    }, 2000);
    await phase(options.seconds, true);
    const elapsed = (Date.now() - began) / 1000;
    clearInterval(sampler);
    const end = serverExited ? undefined : await serverStats(port, true);
    if (end !== undefined) rssSamples.push(end.rssBytes);
    const sorted = Float64Array.from(latencies).sort();
    const requests = Object.values(byScenario).reduce((a, b) => a + b, 0);
    const unhandledErrors = end === undefined ? 0 : end.uncaughtExceptions + end.unhandledRejections;
    const rssEndMb = round((end?.rssBytes ?? 0) / MB);
    const rssStartMb = round(start.rssBytes / MB);
    const failures: string[] = [];
    if (serverExited) failures.push('the server exited during the run');
    if (requests === 0) failures.push('no request was answered');
    if (wrongDecisions > 0) failures.push(`${wrongDecisions} wrong decisions`);
    if (serverErrors > 0) failures.push(`${serverErrors} answers with a 5xx status`);
    if (lostRequests > 0) failures.push(`${lostRequests} requests without an answer`);
    if (unhandledErrors > 0) failures.push(`${unhandledErrors} uncaught exceptions or unhandled rejections in the server: ${server.stderr().slice(-1000)}`);
    const memory = options.judgeMemory && end !== undefined ? memoryFailure(rssStartMb, rssEndMb, options.rssBoundMb) : undefined;
    if (memory !== undefined) failures.push(memory);
    return {
      seconds: options.seconds,
      connections: options.connections,
      requests,
      measuredRequests: latencies.length,
      requestsPerSecond: Math.round(latencies.length / elapsed),
      byScenario,
      wrongDecisions,
      serverErrors,
      lostRequests,
      unhandledErrors,
      examples,
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted.length === 0 ? 0 : sorted[sorted.length - 1]),
      rssStartMb,
      rssEndMb,
      rssPeakMb: round(peakOf(rssSamples) / MB),
      rssBoundMb: options.rssBoundMb,
      judgeMemory: options.judgeMemory,
      heapStartMb: round(start.heapUsedBytes / MB),
      heapEndMb: round((end?.heapUsedBytes ?? 0) / MB),
      failures,
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

/**
 * The report as the lines `npm run soak` prints. The memory lines only when the run judged the
 * memory: a short run prints only what it judges, so its verdict and figures agree.
 */
export function formatReport(report: SoakReport): string {
  const memory = report.judgeMemory
    ? [
      `server RSS:           ${report.rssStartMb} MiB after warm-up, ${report.rssEndMb} MiB at the end (peak ${report.rssPeakMb} MiB; growth must stay within ${report.rssBoundMb} MiB)`,
      `server heap used:     ${report.heapStartMb} MiB after warm-up, ${report.heapEndMb} MiB at the end`,
    ]
    : [];
  const lines = [
    `requests sent:        ${report.requests} (${report.requests - report.measuredRequests} in the warm-up, ${report.measuredRequests} in the ${report.seconds} s run: ${report.requestsPerSecond}/s over ${report.connections} connections)`,
    `wrong decisions:      ${report.wrongDecisions} (must be 0)`,
    `5xx answers:          ${report.serverErrors} (must be 0)`,
    `requests lost:        ${report.lostRequests} (must be 0)`,
    `unhandled errors:     ${report.unhandledErrors} (must be 0)`,
    `latency:              p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, max ${report.maxMs} ms`,
    ...memory,
    'requests by scenario:',
    ...Object.entries(report.byScenario).sort(([, a], [, b]) => b - a).map(([name, count]) => `  ${String(count).padStart(8)}  ${name}`),
    ...report.examples.map((example) => `example: ${example}`),
    report.failures.length === 0 ? 'soak: PASSED' : `soak: FAILED: ${report.failures.join('; ')}`,
  ];
  return lines.join('\n');
}

/** Reads `--seconds N`, `--warmup-seconds N`, `--connections N`, `--rss-bound-mb N`, `--prefill N` (or `--flag=N`). */
export function parseArguments(argv: readonly string[]): Partial<SoakOptions> {
  const names: Readonly<Record<string, keyof Omit<SoakOptions, 'log' | 'judgeMemory'>>> = {
    '--seconds': 'seconds', '--warmup-seconds': 'warmupSeconds', '--connections': 'connections', '--rss-bound-mb': 'rssBoundMb', '--prefill': 'prefill',
  };
  const options: Partial<Record<keyof Omit<SoakOptions, 'log' | 'judgeMemory'>, number>> = {};
  const words = argv.flatMap((word) => (word.startsWith('--') && word.includes('=') ? word.split('=', 2) : [word]));
  for (let index = 0; index < words.length; index += 2) {
    const key = names[words[index]];
    const value = Number(words[index + 1]);
    if (key === undefined || words[index + 1] === undefined || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`soak: unknown option or bad value in "${words.slice(index, index + 2).join(' ')}"; use ${Object.keys(names).map((name) => `${name} N`).join(', ')}.`);
    }
    options[key] = value;
  }
  if (options.connections !== undefined && (!Number.isInteger(options.connections) || options.connections < 1)) {
    throw new TypeError('soak: --connections must be a whole number of at least 1.');
  }
  return options;
}

async function main(): Promise<void> {
  const report = await runSoak(parseArguments(process.argv.slice(2)));
  console.log(formatReport(report));
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
