import { WebSocketServer } from 'ws';
import { authenticateUpgrades, connectionAuth } from '../../lib/ws';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { cookieBackend } from '../helpers/cookies';
import { invalidTokenChallenge, REASON_DESCRIPTIONS } from '../helpers/expectations';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';
import { attemptUpgrade, type UpgradeAttempt, startWsServer, type WsTestServer } from '../helpers/ws-servers';

const TOKEN = signToken();

/** Asserts a refused upgrade completely: status, challenge, problem+json body, and that no connection was made. */
function expectRefused(
  attempt: UpgradeAttempt,
  server: WsTestServer,
  expected: { status: number; error: string; reason?: string; challenge: string | undefined },
): void {
  if (attempt.kind !== 'refused') throw new Error(`expected a refusal, got an open connection greeting ${JSON.stringify(attempt.greeting)}`);
  expect(attempt.status).toBe(expected.status);
  expect(attempt.headers['www-authenticate']).toBe(expected.challenge);
  expect(attempt.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(attempt.headers['cache-control']).toBe('no-store');
  expect(attempt.headers.connection).toBe('close');
  const body = JSON.parse(attempt.body) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status: expected.status, error: expected.error });
  if (expected.reason !== undefined) expect(body.reason).toBe(expected.reason);
  expect(attempt.body).not.toContain(TOKEN);
  expect(server.connections).toBe(0);
}

function expectOpen(attempt: UpgradeAttempt, user: string | null, scopes: readonly string[]): asserts attempt is Extract<UpgradeAttempt, { kind: 'open' }> {
  if (attempt.kind !== 'open') throw new Error(`expected an open connection, got ${attempt.status} ${attempt.body}`);
  expect(attempt.greeting).toEqual({ user, scopes });
  attempt.socket.terminate();
}

describe.each(EXPRESS_VERSIONS)('authenticateUpgrades beside an app on %s', (_name, expressFactory) => {
  let server: WsTestServer;
  afterEach(async () => {
    await server.close();
  });

  describe('when anonymous connections are allowed (the default)', () => {
    beforeEach(async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { clock: fixedClock } });
    });

    it('opens an upgrade without credentials as anonymous', async () => {
      expectOpen(await attemptUpgrade(server.url), null, []);
      expect(server.connections).toBe(1);
    });

    it('opens an upgrade with a valid bearer token with its user and scopes', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } }), 'user-1', ['authenticated', 'read']);
    });

    it('refuses an expired token with 401 invalid_token before the upgrade', async () => {
      const expired = signToken(claims({ exp: claims().iat as number - 10 }));
      const attempt = await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${expired}` } });
      expectRefused(attempt, server, { status: 401, error: 'invalid_token', reason: 'expired', challenge: invalidTokenChallenge(REASON_DESCRIPTIONS.expired) });
    });

    it('refuses a forged token with 401 invalid_token reason bad_signature', async () => {
      const forged = signToken(claims(), { key: `${SECRET}-not-it` });
      const attempt = await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${forged}` } });
      expectRefused(attempt, server, { status: 401, error: 'invalid_token', reason: 'bad_signature', challenge: invalidTokenChallenge(REASON_DESCRIPTIONS.bad_signature) });
    });
  });

  describe('when connections must be authenticated', () => {
    beforeEach(async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { authenticated: true, clock: fixedClock } });
    });

    it('refuses an upgrade without credentials with 401 and a bare challenge', async () => {
      expectRefused(await attemptUpgrade(server.url), server, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });

    it('opens an upgrade with a valid token', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } }), 'user-1', ['authenticated', 'read']);
    });
  });

  describe('when connections need a scope', () => {
    beforeEach(async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { scopes: ['chat'], clock: fixedClock } });
    });

    it('refuses a token without the scope with 403 insufficient_scope naming it', async () => {
      const attempt = await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expectRefused(attempt, server, {
        status: 403,
        error: 'insufficient_scope',
        challenge: 'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="chat"',
      });
      expect(JSON.parse((attempt as { body: string }).body)).toMatchObject({ scope: 'chat' });
    });

    it('refuses an upgrade without credentials with 401, as the requires() guard does', async () => {
      expectRefused(await attemptUpgrade(server.url), server, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });

    it('opens a token that holds the scope', async () => {
      const token = signToken(claims({ scope: 'read chat' }));
      expectOpen(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${token}` } }), 'user-1', ['authenticated', 'read', 'chat']);
    });
  });

  describe('when the token comes in a cookie', () => {
    beforeEach(async () => {
      server = await startWsServer({
        expressFactory,
        backend: cookieBackend({ secure: false }),
        options: { authenticated: true, clock: fixedClock, trustedOrigins: ['https://admin.example.com'] },
      });
    });

    it('opens an upgrade from a page of its own origin', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` }, origin: server.origin }), 'user-1', ['authenticated', 'read']);
    });

    it('refuses an upgrade from a page of another origin with 403 cross_site_request', async () => {
      const attempt = await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` }, origin: 'https://evil.example' });
      expectRefused(attempt, server, { status: 403, error: 'cross_site_request', challenge: undefined });
    });

    it('refuses an upgrade from an opaque origin (a sandboxed frame) with 403', async () => {
      const attempt = await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` }, origin: 'null' });
      expectRefused(attempt, server, { status: 403, error: 'cross_site_request', challenge: undefined });
    });

    it('refuses an origin that differs from its own only by port', async () => {
      const attempt = await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` }, origin: 'http://127.0.0.1:1' });
      expectRefused(attempt, server, { status: 403, error: 'cross_site_request', challenge: undefined });
    });

    it('opens an upgrade from a trusted origin', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` }, origin: 'https://admin.example.com' }), 'user-1', ['authenticated', 'read']);
    });

    it('opens a cookie upgrade without Origin, which no browser sends', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}` } }), 'user-1', ['authenticated', 'read']);
    });

    it('opens a header-authenticated upgrade whatever its Origin: a page cannot set the header', async () => {
      expectOpen(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${TOKEN}` }, origin: 'https://evil.example' }), 'user-1', ['authenticated', 'read']);
    });

    it('refuses a cookie sent twice with 400 invalid_request', async () => {
      const attempt = await attemptUpgrade(server.url, { headers: { Cookie: `token=${TOKEN}; token=${TOKEN}` }, origin: server.origin });
      expectRefused(attempt, server, { status: 400, error: 'invalid_request', reason: 'duplicate_cookie', challenge: 'Bearer realm="api", error="invalid_request", error_description="The request carries the authentication cookie more than once."' });
    });
  });

  describe('when a hook of the application fails', () => {
    it('answers 500 with no detail, reports the error, and makes no connection', async () => {
      const errors: Error[] = [];
      const failing = jwtBackend({ retrieveUser: () => Promise.reject(new Error('database down')) });
      server = await startWsServer({ expressFactory, backend: failing, options: { clock: fixedClock, onError: (err) => errors.push(err) } });
      const attempt = await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(500);
      expect(attempt.body).not.toContain('database');
      expect(errors.map((err) => err.message)).toEqual(['database down']);
      expect(server.connections).toBe(0);
    });
  });

  describe('when the backends take too long', () => {
    it('answers 503 with Retry-After once authenticationTimeoutMs has passed', async () => {
      const stalled = { authenticate: () => new Promise<null>(() => undefined) };
      server = await startWsServer({ expressFactory, backend: stalled, options: { authenticationTimeoutMs: 200 } });
      const attempt = await attemptUpgrade(server.url);
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(503);
      expect(attempt.headers['retry-after']).toBe('5');
      expect(server.connections).toBe(0);
    });
  });
});

describe('authenticateUpgrades', () => {
  const wss = new WebSocketServer({ noServer: true });
  afterAll(() => wss.close());

  it('throws a TypeError naming the fix for something that is not a WebSocket server', () => {
    expect(() => authenticateUpgrades({} as WebSocketServer, jwtBackend())).toThrow(/must be a ws WebSocketServer, e\.g\. new WebSocketServer\(\{ noServer: true \}\)/);
  });

  it('throws a TypeError for a missing backend', () => {
    expect(() => authenticateUpgrades(wss, [])).toThrow(/non-empty array/);
  });

  it.each([
    [{ authentcated: true }, /unknown option "authentcated"/],
    [{ scopes: 'chat' }, /"scopes" must be an array of scope names/],
    [{ scopes: ['chat'], authenticated: false }, /"scopes" need an authenticated connection/],
    [{ trustedOrigins: ['https://app.example.com/'] }, /"trustedOrigins" must be an array of origins/],
    [{ store: {} }, /"store" must be a store/],
    [{ queryToken: 'yes' }, /"queryToken" must be true or false/],
    [{ onExpired: 'close' }, /"onExpired" must be a function/],
    [{ authenticationTimeoutMs: 0 }, /"authenticationTimeoutMs" must be a finite number of at least 1/],
  ])('throws a TypeError for the option %j', (options, message) => {
    expect(() => authenticateUpgrades(wss, jwtBackend(), options as never)).toThrow(message);
    expect(() => authenticateUpgrades(wss, jwtBackend(), options as never)).toThrow(TypeError);
  });

  it('leaves the options object as it was', () => {
    const options = Object.freeze({ authenticated: true, scopes: Object.freeze(['chat']) });
    expect(() => authenticateUpgrades(wss, jwtBackend(), options).close()).not.toThrow();
  });

  it('records nothing for a connection it did not accept', () => {
    expect(connectionAuth({})).toBeUndefined();
  });
});
