import fc from 'fast-check';
import { authenticationMiddleware } from '../../lib';
import { signedToken } from '../helpers/hostile-tokens';
import { fakeRequest, type MiddlewareOutcome, runMiddleware } from '../helpers/raw-requests';
import { expectNoUnhandledRejections } from '../helpers/process-errors';
import { BACKENDS } from '../helpers/security-backends';
import { claims, fixedClock, SECRET } from '../helpers/tokens';

// What an HTTP client cannot send (control characters, code points past U+00FF, lone
// surrogates) a proxy or a raw socket still can, so these properties drive the middleware
// directly with a fake request: whatever the header holds, the middleware either passes the
// request on as anonymous or answers 400/401; it never throws, never hands an error to
// `next`, never leaves the request hanging, never authenticates.

const GENUINE = signedToken('HS256', SECRET, claims());

/** Any code point, including controls and lone surrogates (`unit: 'binary'` has no surrogates). */
const anyCodeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point)),
);
const anyText = fc.string({ unit: anyCodeUnit, maxLength: 120 });
/** Header values built from pieces attackers reach for, glued with any characters. */
const hostileValue = fc.oneof(
  anyText,
  anyText.map((text) => `Bearer ${text}`),
  fc.tuple(fc.nat(GENUINE.length), anyCodeUnit).map(([at, inserted]) => `Bearer ${GENUINE.slice(0, at)}${inserted}${GENUINE.slice(at)}`),
  anyText.map((text) => `token=${text}`),
  fc.tuple(anyText, anyText).map(([a, b]) => `token=${a}; token=${b}`),
);

expectNoUnhandledRejections();

/**
 * Whether an Authorization value is `Bearer` and the genuine token with only whitespace added:
 * the backend may read such a value as the genuine token (it trims as String.prototype.trim
 * does, a superset of HTTP's optional whitespace), and then must authenticate its real user.
 */
function isGenuineHeader(value: string): boolean {
  const bare = value.replace(/\s/g, '');
  return bare.slice(0, 6).toLowerCase() === 'bearer' && bare.slice(6) === GENUINE;
}

/**
 * Passed on as anonymous (or as the genuine token's user, when `genuine` says the request
 * carries exactly the genuine token), or answered 400/401 with a Bearer challenge; nothing else.
 */
function expectAnonymousOrRefused(outcome: MiddlewareOutcome, genuine = false): void {
  expect(outcome.nextError).toBeUndefined();
  if (outcome.passed) {
    if (genuine && outcome.auth?.isAuthenticated === true) expect(outcome.user?.identity).toBe('user-1');
    else expect([outcome.auth?.isAuthenticated, outcome.user]).toEqual([false, undefined]);
    return;
  }
  expect([400, 401]).toContain(outcome.status);
  expect(outcome.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_(request|token)"/);
  expect(JSON.parse(outcome.body ?? '{}')).toMatchObject({ status: outcome.status });
}

describe.each(BACKENDS)('Property: raw header values through the middleware of $name', (backendKind) => {
  const middleware = authenticationMiddleware(backendKind.build({ secretKey: SECRET, clock: fixedClock }));

  it('authenticates the genuine token, so the properties below are not vacuous', async () => {
    const headers: Record<string, string> = backendKind.transport === 'header' ? { Authorization: `Bearer ${GENUINE}` } : { Cookie: `token=${GENUINE}` };
    const outcome = await runMiddleware(middleware, fakeRequest(headers));
    expect(outcome.passed).toBe(true);
    expect(outcome.user?.identity).toBe('user-1');
  });

  it('answers any Authorization value, of any characters, with anonymous, 400 or 401', async () => {
    await fc.assert(fc.asyncProperty(hostileValue, async (value) => {
      expectAnonymousOrRefused(await runMiddleware(middleware, fakeRequest({ Authorization: value })), isGenuineHeader(value));
    }), { numRuns: 300, examples: [['Bearer \u0000'], ['Bearer \ud800.\udfff.x'], [`Bearer ${GENUINE}\u0000`], ['\u0085Bearer x']] });
  });

  it('answers any Cookie value, of any characters, with anonymous, 400 or 401', async () => {
    await fc.assert(fc.asyncProperty(hostileValue, async (value) => {
      expectAnonymousOrRefused(await runMiddleware(middleware, fakeRequest({ Cookie: value })));
    }), { numRuns: 300, examples: [[`token=${GENUINE}\u0000`], ['token=\ud800'], [`\u00a0token=${GENUINE}; token=x`]] });
  });

  it('answers any mix of repeated Authorization and Cookie headers, in any letter case, the same way', async () => {
    const names = fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'Cookie', 'cookie');
    const entries = fc.array(fc.tuple(names, hostileValue), { minLength: 1, maxLength: 4 });
    await fc.assert(fc.asyncProperty(entries, async (list) => {
      // As Node parses them: the first Authorization wins, Cookie headers are joined with "; ".
      const headers: Record<string, string> = {};
      const rawHeaders: string[] = [];
      for (const [name, value] of list) {
        const key = name.toLowerCase();
        if (key === 'cookie') headers.cookie = headers.cookie === undefined ? value : `${headers.cookie}; ${value}`;
        else headers[key] ??= value;
        rawHeaders.push(name, value);
      }
      const req = fakeRequest(headers);
      Object.assign(req, { rawHeaders });
      const authorizations = list.filter(([name]) => name.toLowerCase() === 'authorization');
      const outcome = await runMiddleware(middleware, req);
      expectAnonymousOrRefused(outcome, authorizations.length === 1 && isGenuineHeader(authorizations[0][1]));
      // Two sets of credentials are ambiguous: the first must not silently win.
      if (authorizations.length > 1 && isGenuineHeader(authorizations[0][1])) expect(outcome.status).toBe(400);
    }), { numRuns: 200, examples: [[[['Authorization', `Bearer ${GENUINE}`], ['authorization', 'Bearer x']]]] });
  });
});
