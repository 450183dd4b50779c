import { JWTAuthenticationBackend, memoryStore } from '../../lib';
import { socketIoAuthentication } from '../../lib/ws';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { cookieBackend } from '../helpers/cookies';
import { attemptSocketIo, endOf, type SocketIoAttempt, type SocketIoTestServer, startSocketIoServer } from '../helpers/socket-io-servers';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';

const TOKEN = signToken();

function expectConnected(attempt: SocketIoAttempt, user: string | null, scopes: readonly string[]): void {
  if (attempt.kind !== 'connected') throw new Error(`refused: ${attempt.message} ${JSON.stringify(attempt.data)}`);
  expect(attempt.greeting).toEqual({ user, scopes });
  attempt.socket.close();
}

function expectRefused(attempt: SocketIoAttempt, server: SocketIoTestServer, data: Record<string, unknown>): void {
  if (attempt.kind !== 'refused') throw new Error(`expected a connect_error, got ${JSON.stringify(attempt.greeting)}`);
  expect(attempt.data).toMatchObject({ type: 'about:blank', ...data });
  expect(attempt.message).toBe(attempt.data?.detail);
  expect(JSON.stringify(attempt.data)).not.toContain(TOKEN);
  expect(server.connections).toBe(0);
}

describe.each(EXPRESS_VERSIONS)('socketIoAuthentication beside an app on %s', (_name, expressFactory) => {
  let server: SocketIoTestServer;
  afterEach(async () => {
    await server.close();
  });

  describe.each(['websocket', 'polling'] as const)('over the %s transport', (transport) => {
    it('connects anonymously without credentials when anonymous connections are allowed', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { clock: fixedClock });
      expectConnected(await attemptSocketIo(server.origin, { transport }), null, []);
    });

    it('connects with the token of auth.token, with its user and scopes', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { authenticated: true, clock: fixedClock });
      expectConnected(await attemptSocketIo(server.origin, { transport, token: TOKEN }), 'user-1', ['authenticated', 'read']);
    });

    it('connects with an Authorization header of a Node client', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { authenticated: true, clock: fixedClock });
      expectConnected(await attemptSocketIo(server.origin, { transport, headers: { Authorization: `Bearer ${TOKEN}` } }), 'user-1', ['authenticated', 'read']);
    });

    it('refuses a missing token with a connect_error carrying 401 not_authenticated', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { authenticated: true, clock: fixedClock });
      expectRefused(await attemptSocketIo(server.origin, { transport }), server, { status: 401, error: 'not_authenticated', detail: 'This resource requires authentication.' });
    });

    it('refuses an expired token with a connect_error carrying 401 invalid_token reason expired', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { clock: fixedClock });
      const expired = signToken(claims({ exp: (claims().iat as number) - 10 }));
      expectRefused(await attemptSocketIo(server.origin, { transport, token: expired }), server, {
        status: 401, error: 'invalid_token', reason: 'expired', detail: 'The access token has expired.',
      });
    });

    it('refuses a token without the required scope with 403 insufficient_scope', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { scopes: ['chat'], clock: fixedClock });
      expectRefused(await attemptSocketIo(server.origin, { transport, token: TOKEN }), server, { status: 403, error: 'insufficient_scope', scope: 'chat' });
    });

    it('refuses a token in auth.token and another in Authorization with 400 duplicate_token', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { clock: fixedClock });
      expectRefused(await attemptSocketIo(server.origin, { transport, token: TOKEN, headers: { Authorization: `Bearer ${TOKEN}` } }), server, {
        status: 400, error: 'invalid_request', reason: 'duplicate_token',
      });
    });

    it('refuses an auth.token that is not a string with 400 invalid_request', async () => {
      server = await startSocketIoServer(expressFactory, jwtBackend(), { clock: fixedClock });
      expectRefused(await attemptSocketIo(server.origin, { transport, token: { nested: TOKEN } }), server, { status: 400, error: 'invalid_request' });
    });

    it('refuses a cookie-authenticated connection from another origin with 403 cross_site_request', async () => {
      server = await startSocketIoServer(expressFactory, cookieBackend({ secure: false }), { clock: fixedClock });
      expectRefused(await attemptSocketIo(server.origin, { transport, headers: { Cookie: `token=${TOKEN}`, Origin: 'https://evil.example' } }), server, {
        status: 403, error: 'cross_site_request',
      });
    });

    it('connects a cookie-authenticated connection from its own origin', async () => {
      server = await startSocketIoServer(expressFactory, cookieBackend({ secure: false }), { clock: fixedClock });
      expectConnected(await attemptSocketIo(server.origin, { transport, headers: { Cookie: `token=${TOKEN}`, Origin: server.origin } }), 'user-1', ['authenticated', 'read']);
    });
  });

  describe('when the credentials of a connected socket end', () => {
    it('sends credentials_ended with code 1008 and disconnects the socket within a second of exp', async () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET });
      server = await startSocketIoServer(expressFactory, backend, { authenticated: true });
      const token = backend.createToken('alice', { expiresIn: 2 });
      const attempt = await attemptSocketIo(server.origin, { token });
      if (attempt.kind !== 'connected') throw new Error(attempt.message);
      const ended = await endOf(attempt.socket);
      expect(ended.event).toEqual({ code: 1008, reason: 'expired', detail: 'The access token has expired.' });
      expect(ended.disconnect).toBe('io server disconnect');
      const exp = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp * 1000;
      expect(ended.at).toBeGreaterThanOrEqual(exp - 50);
      expect(ended.at).toBeLessThan(exp + 1000);
    });

    it('sends credentials_ended with reason revoked when the token is revoked', async () => {
      const store = memoryStore();
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, store });
      await backend.ready();
      server = await startSocketIoServer(expressFactory, backend, { authenticated: true, store });
      await server.auth.ready();
      const token = backend.createToken('alice');
      const attempt = await attemptSocketIo(server.origin, { token });
      if (attempt.kind !== 'connected') throw new Error(attempt.message);
      const ending = endOf(attempt.socket);
      await backend.revoke(token);
      expect((await ending).event).toEqual({ code: 1008, reason: 'revoked', detail: 'The access token has been revoked.' });
      await backend.close();
      await store.close();
    });
  });
});

describe('socketIoAuthentication', () => {
  it('throws a TypeError naming the fix for a misspelt option', () => {
    expect(() => socketIoAuthentication(jwtBackend(), { scope: ['chat'] } as never)).toThrow(/unknown option "scope"/);
  });

  it('throws a TypeError for something that is not a backend', () => {
    expect(() => socketIoAuthentication({} as never)).toThrow(/a backend with an authenticate\(req\) method/);
  });
});
