import { formatReport, runSoak, type SoakReport } from '../../bench/soak';
import { judge } from '../../bench/soak-scenarios';

// The soak test of bench/soak.ts, shortened to about 5 seconds for CI: the demo app in a child
// process on 127.0.0.1, 32 keep-alive connections, every scenario of the mix. The memory bound
// needs a longer run to mean anything and is checked by `npm run soak` (60 s by default).

describe('The soak test against the demo app, shortened for CI', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ seconds: 5, warmupSeconds: 1, prefill: 1000, connections: 32, log: () => undefined });
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

  it('reports the server\'s memory and the latency', () => {
    expect(report.rssStartMb).toBeGreaterThan(0);
    expect(report.rssEndMb).toBeGreaterThan(0);
    expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms);
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
