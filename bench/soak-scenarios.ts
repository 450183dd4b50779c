/**
 * The request mix of the soak test and the decision each request must get from the demo app
 * (`createDemoApp`, HS256). Tokens are minted here with node:crypto, independently of the
 * library under test, with the secret the soak server was given.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** The soak server wrapper's own endpoint; nothing in the demo app answers this path. `?gc=1` collects first. */
export const STATS_PATH = '/internal/soak-stats';

/** What `GET /internal/soak-stats` answers. */
export interface SoakServerStats {
  readonly uncaughtExceptions: number;
  readonly unhandledRejections: number;
  /** Resident set size, in bytes. */
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Whether the numbers follow a forced garbage collection (`?gc=1` and Node run with `--expose-gc`). */
  readonly collected: boolean;
}

/** One request to send, and the decision it must get. */
export interface SoakRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly expect: ExpectedDecision;
}

/** The decision: a status, and for refusals the `error` and `reason` of the body. */
export interface ExpectedDecision {
  readonly status: number;
  readonly error?: string;
  readonly reason?: string;
  /** For answers that name the user (`GET /me`): whose data it must be. */
  readonly username?: string;
  /** For a 303: where it must point. */
  readonly location?: string;
}

/** A named kind of request, with how often it is sent relative to the others. */
export interface Scenario {
  readonly name: string;
  readonly weight: number;
  readonly make: () => SoakRequest;
}

/** What the scenarios need to know of the server: its secret, its API key, its origin. */
export interface SoakSecrets {
  readonly secret: string;
  readonly apiKey: string;
  /** `127.0.0.1:<port>`, what browsers put in `Host`. */
  readonly host: string;
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function hs256(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const USERS = [
  { username: 'alice', scope: 'read' },
  { username: 'admin', scope: 'read admin' },
] as const;

/**
 * Builds the scenarios. Long-lived tokens are minted once (a client with a session sends the
 * same token each time, which the verified-token cache serves); `fresh` mints a new token
 * (a new `jti`) per request, so the cache keeps filling and evicting.
 */
export function soakScenarios({ secret, apiKey, host }: SoakSecrets): readonly Scenario[] {
  const now = (): number => Math.floor(Date.now() / 1000);
  const claimsOf = (user: (typeof USERS)[number], overrides: Record<string, unknown> = {}): Record<string, unknown> =>
    ({ sub: user.username, username: user.username, scope: user.scope, iat: now(), exp: now() + 3600, jti: randomUUID(), ...overrides });
  const session = USERS.map((user) => ({ user, token: hs256(claimsOf(user, { exp: now() + 86_400 }), secret) }));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];
  const otherSecret = randomBytes(32).toString('base64url');
  const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
  const cookie = (token: string): Record<string, string> => ({ Cookie: `token=${token}` });
  const refused = (status: number, error: string, reason?: string): ExpectedDecision => ({ status, error, reason });
  const me = (headers: Record<string, string>, expect: ExpectedDecision): SoakRequest => ({ method: 'GET', path: '/me', headers, expect });

  return [
    { name: 'valid session token in the header', weight: 20, make: () => { const { user, token } = pick(session); return me(bearer(token), { status: 200, username: user.username }); } },
    { name: 'valid session token in the cookie', weight: 10, make: () => { const { user, token } = pick(session); return me(cookie(token), { status: 200, username: user.username }); } },
    {
      name: 'fresh valid token in the header',
      weight: 10,
      make: () => { const user = pick(USERS); return me(bearer(hs256(claimsOf(user), secret)), { status: 200, username: user.username }); },
    },
    { name: 'expired token in the header', weight: 5, make: () => me(bearer(hs256(claimsOf(pick(USERS), { iat: now() - 7200, exp: now() - 3600 }), secret)), refused(401, 'invalid_token', 'expired')) },
    { name: 'expired token in the cookie', weight: 3, make: () => me(cookie(hs256(claimsOf(pick(USERS), { iat: now() - 7200, exp: now() - 3600 }), secret)), refused(401, 'invalid_token', 'expired')) },
    { name: 'token not valid yet', weight: 2, make: () => me(bearer(hs256(claimsOf(pick(USERS), { nbf: now() + 600 }), secret)), refused(401, 'invalid_token', 'not_yet_valid')) },
    { name: 'forged token in the header', weight: 5, make: () => me(bearer(hs256(claimsOf(USERS[1]), otherSecret)), refused(401, 'invalid_token', 'bad_signature')) },
    { name: 'forged token in the cookie', weight: 3, make: () => me(cookie(hs256(claimsOf(USERS[1]), otherSecret)), refused(401, 'invalid_token', 'bad_signature')) },
    {
      name: 'session token with its payload swapped for admin\'s',
      weight: 3,
      make: () => {
        const [header, , signature] = session[0].token.split('.');
        return me(bearer(`${header}.${segment(claimsOf(USERS[1]))}.${signature}`), refused(401, 'invalid_token', 'bad_signature'));
      },
    },
    { name: 'alg none', weight: 3, make: () => me(bearer(`${segment({ alg: 'none' })}.${segment(claimsOf(USERS[1]))}.`), refused(401, 'invalid_token', 'algorithm_not_allowed')) },
    { name: 'malformed token in the header', weight: 3, make: () => me(bearer(`${randomBytes(12).toString('base64url')}.${randomBytes(20).toString('base64url')}.${randomBytes(8).toString('base64url')}`), refused(401, 'invalid_token', 'malformed')) },
    { name: 'malformed token in the cookie', weight: 3, make: () => me(cookie(randomBytes(24).toString('base64url')), refused(401, 'invalid_token', 'malformed')) },
    { name: 'oversized token', weight: 1, make: () => me(bearer(hs256(claimsOf(USERS[0], { padding: 'x'.repeat(7000) }), secret)), refused(401, 'invalid_token', 'too_large')) },
    { name: 'valid token for a user that does not exist', weight: 2, make: () => me(bearer(hs256({ ...claimsOf(USERS[0]), sub: 'mallory', username: 'mallory' }, secret)), refused(401, 'invalid_token', 'unknown_user')) },
    { name: 'Bearer without a token', weight: 2, make: () => me({ Authorization: 'Bearer' }, refused(400, 'invalid_request', 'missing_token')) },
    { name: 'the cookie sent twice', weight: 2, make: () => me({ Cookie: `token=${session[0].token}; token=${session[1].token}` }, refused(400, 'invalid_request', 'duplicate_cookie')) },
    { name: 'no token on a guarded route', weight: 3, make: () => me({}, refused(401, 'not_authenticated')) },
    { name: 'no token on an open route', weight: 3, make: () => ({ method: 'GET', path: '/', headers: {}, expect: { status: 200 } }) },
    { name: 'no token on a browser page', weight: 2, make: () => ({ method: 'GET', path: '/profile', headers: {}, expect: { status: 303, location: '/login?next=%2Fprofile' } }) },
    { name: 'alice on the admin route', weight: 3, make: () => ({ method: 'GET', path: '/admin', headers: bearer(session[0].token), expect: refused(403, 'insufficient_scope') }) },
    { name: 'admin on the admin route', weight: 3, make: () => ({ method: 'GET', path: '/admin', headers: bearer(session[1].token), expect: { status: 200 } }) },
    { name: 'the right API key', weight: 2, make: () => ({ method: 'GET', path: '/service/status', headers: { 'X-API-Key': apiKey }, expect: { status: 200 } }) },
    { name: 'a wrong API key', weight: 2, make: () => ({ method: 'GET', path: '/service/status', headers: { 'X-API-Key': randomBytes(18).toString('base64url') }, expect: refused(401, 'invalid_token', 'bad_signature') }) },
    {
      name: 'same-origin cookie form POST',
      weight: 2,
      make: () => ({
        method: 'POST', path: '/notes', body: 'note=soak',
        headers: { ...cookie(session[0].token), Origin: `http://${host}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        expect: { status: 200 },
      }),
    },
    {
      name: 'cross-site cookie form POST',
      weight: 2,
      make: () => ({
        method: 'POST', path: '/notes', body: 'note=forged',
        headers: { ...cookie(session[0].token), Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
        expect: refused(403, 'cross_site_request'),
      }),
    },
  ];
}

/** A scenario chosen at random in proportion to the weights. */
export function weightedPicker(scenarios: readonly Scenario[]): () => Scenario {
  const total = scenarios.reduce((sum, scenario) => sum + scenario.weight, 0);
  return () => {
    let left = Math.random() * total;
    for (const scenario of scenarios) {
      left -= scenario.weight;
      if (left < 0) return scenario;
    }
    return scenarios[scenarios.length - 1];
  };
}

/** Why an answer is not the expected decision, or `undefined` when it is. */
export function judge(expected: ExpectedDecision, status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: string): string | undefined {
  if (status !== expected.status) return `status ${status}, expected ${expected.status}`;
  if (expected.location !== undefined && headers.location !== expected.location) return `Location ${String(headers.location)}, expected ${expected.location}`;
  if (expected.error === undefined && expected.username === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return 'a body that is not JSON';
  }
  if (expected.username !== undefined && parsed.username !== expected.username) return `user ${String(parsed.username)}, expected ${expected.username}`;
  if (expected.error !== undefined && parsed.error !== expected.error) return `error ${String(parsed.error)}, expected ${expected.error}`;
  if (expected.reason !== undefined && parsed.reason !== expected.reason) return `reason ${String(parsed.reason)}, expected ${expected.reason}`;
  return undefined;
}
