import { formatReport, runSoak, type SoakReport } from '../../bench/soak';
import { memoryFailure, peakOf } from '../../bench/soak-memory';
import { judge } from '../../bench/soak-scenarios';

// The soak test of bench/soak.ts, shortened to about 5 seconds for CI: the demo app in a child
// process on 127.0.0.1, 32 keep-alive connections, every scenario of the mix. The memory bound
// needs a longer run to mean anything and is checked by `npm run soak` (60 s by default); this
// run neither judges nor prints it.

describe('The soak test against the demo app, shortened for CI', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ seconds: 5, warmupSeconds: 1, prefill: 1000, connections: 32, judgeMemory: false, log: () => undefined });
    // What `npm run soak` prints, kept in the test log for when a figure below is not zero.
    console.log(formatReport(report));
  }, 60_000);

  it('answers requests of every scenario in the mix', () => {
    expect(report.requests).toBeGreaterThan(500);
    expect(Object.keys(report.byScenario)).toHaveLength(25);
  });

  it('makes no wrong decision: every status, error and reason is the expected one', () => {
    expect(report.examples).toEqual([]);
    expect(report.wrongDecisions).toBe(0);
  });

  it('answers no request with a 5xx status', () => {
    expect(report.serverErrors).toBe(0);
  });

  it('leaves no request without an answer', () => {
    expect(report.lostRequests).toBe(0);
  });

  it('has no uncaught exception or unhandled rejection in the server process', () => {
    expect(report.unhandledErrors).toBe(0);
  });

  it('reports the server\'s memory, with a peak no lower than any figure it reports, and the latency', () => {
    expect(report.rssStartMb).toBeGreaterThan(0);
    expect(report.rssEndMb).toBeGreaterThan(0);
    expect(report.rssPeakMb).toBeGreaterThanOrEqual(Math.max(report.rssStartMb, report.rssEndMb));
    expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms);
  });

  it('fails on nothing it does not judge: no memory bound, and a printed verdict of PASSED without memory lines', () => {
    expect(report.failures).toEqual([]);
    const printed = formatReport(report);
    expect(printed.split('\n').at(-1)).toBe('soak: PASSED');
    expect(printed).not.toMatch(/RSS|heap|FAILED/);
  });
});

describe('The soak test\'s memory figures', () => {
  it.each([
    ['the highest sample in the middle', [100, 130, 120], 130],
    ['the final sample, when it is the highest', [100, 110, 140], 140],
    ['the first sample, when memory only fell', [150, 120, 110], 150],
    ['a single sample', [100], 100],
    ['no sample', [], 0],
  ])('takes as the peak %s', (_case, samples, peak) => {
    expect(peakOf(samples)).toBe(peak);
  });

  it('fails a growth above the bound and names it', () => {
    expect(memoryFailure(100, 160.04, 50)).toBe('server RSS grew by 60 MiB, more than 50 MiB');
  });

  it.each([[100, 150], [100, 120], [150, 100]])('passes a growth from %d to %d MiB within a bound of 50 MiB', (start, end) => {
    expect(memoryFailure(start, end, 50)).toBeUndefined();
  });
});

describe('The soak report as printed', () => {
  const base: SoakReport = {
    seconds: 60, connections: 64, requests: 1000, measuredRequests: 900, requestsPerSecond: 15, byScenario: { a: 1000 },
    wrongDecisions: 0, serverErrors: 0, lostRequests: 0, unhandledErrors: 0, examples: [], p50Ms: 1, p99Ms: 2, maxMs: 3,
    rssStartMb: 100, rssEndMb: 120, rssPeakMb: 125, rssBoundMb: 50, judgeMemory: true, heapStartMb: 10, heapEndMb: 12, failures: [],
  };

  it('prints the memory, peak and bound when the run judged them', () => {
    expect(formatReport(base)).toContain('server RSS:           100 MiB after warm-up, 120 MiB at the end (peak 125 MiB; growth must stay within 50 MiB)');
  });

  it('prints no memory line when the run did not judge the memory', () => {
    expect(formatReport({ ...base, judgeMemory: false })).not.toMatch(/RSS|heap/);
  });
});

describe('The soak test\'s judge of each answer', () => {
  const expired = { status: 401, error: 'invalid_token', reason: 'expired' };

  it('accepts the expected decision', () => {
    expect(judge(expired, 401, {}, '{"error":"invalid_token","reason":"expired"}')).toBeUndefined();
    expect(judge({ status: 200, username: 'alice' }, 200, {}, '{"username":"alice"}')).toBeUndefined();
  });

  it.each([
    ['another status', expired, 500, {}, '{}', 'status 500, expected 401'],
    ['another reason', expired, 401, {}, '{"error":"invalid_token","reason":"bad_signature"}', 'reason bad_signature, expected expired'],
    ['a body that is not JSON', expired, 401, {}, 'Unauthorized', 'a body that is not JSON'],
    ['another user\'s data', { status: 200, username: 'alice' }, 200, {}, '{"username":"admin"}', 'user admin, expected alice'],
    ['another redirect', { status: 303, location: '/login?next=%2Fprofile' }, 303, { location: '/' }, '', 'Location /, expected /login?next=%2Fprofile'],
  ] as const)('counts %s as a wrong decision', (_case, expected, status, headers, body, why) => {
    expect(judge(expected, status, headers, body)).toBe(why);
  });
});
