import { JWTAuthenticationBackend, memoryStore, type Store } from '../../lib';
import { connectionAuth, type CredentialsExpiry } from '../../lib/ws';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { refreshApp, refreshBackend, signIn } from '../helpers/refresh';
import { SECRET, signToken } from '../helpers/tokens';
import { attemptUpgrade, closeOf, startWsServer, type UpgradeAttempt, type WsTestServer } from '../helpers/ws-servers';

type OpenAttempt = Extract<UpgradeAttempt, { kind: 'open' }>;

function opened(attempt: UpgradeAttempt): OpenAttempt {
  if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
  return attempt;
}

/** A real-clock backend: these tests wait for real expiries. */
function realClockBackend(store?: Store): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, ...(store === undefined ? {} : { store }) });
}

function expOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
}

describe.each(EXPRESS_VERSIONS)('connections whose credentials end, beside an app on %s', (_name, expressFactory) => {
  let server: WsTestServer;
  afterEach(async () => {
    await server.close();
  });

  describe('when the token expires', () => {
    it('closes the connection with 1008 and a reason saying so, within a second of exp', async () => {
      const backend = realClockBackend();
      server = await startWsServer({ expressFactory, backend, options: { authenticated: true } });
      const token = backend.createToken('alice', { expiresIn: 2 });
      const { socket } = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${token}` } }));
      const closed = await new Promise<{ code: number; reason: string; at: number }>((resolve) => {
        socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() }));
      });
      expect(closed.code).toBe(1008);
      expect(closed.reason).toBe('The access token has expired.');
      expect(closed.at).toBeGreaterThanOrEqual(expOf(token) * 1000 - 50);
      expect(closed.at).toBeLessThan(expOf(token) * 1000 + 1000);
    });
  });

  describe('when the token or its subject is revoked', () => {
    let store: Store;
    let backend: JWTAuthenticationBackend;
    beforeEach(async () => {
      store = memoryStore();
      backend = realClockBackend(store);
      await backend.ready();
      server = await startWsServer({ expressFactory, backend, options: { authenticated: true, store } });
      await server.upgrades.ready();
    });
    afterEach(async () => {
      await backend.close();
      await store.close();
    });

    it('closes the connection of a revoked token with 1008, and leaves the others open', async () => {
      const revoked = backend.createToken('alice');
      const kept = backend.createToken('alice');
      const first = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${revoked}` } }));
      const second = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${kept}` } }));
      const closing = closeOf(first.socket);
      await backend.revoke(revoked);
      expect(await closing).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(second.socket.readyState).toBe(second.socket.OPEN);
      second.socket.terminate();
    });

    it('closes every connection of a revoked subject, not another subject\'s', async () => {
      const alice = [backend.createToken('alice'), backend.createToken({ sub: 'alice', scope: 'read' })];
      const bob = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${backend.createToken('bob')}` } }));
      const sockets = await Promise.all(alice.map(async (token) => opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${token}` } })).socket));
      const closings = sockets.map(closeOf);
      await backend.revokeSubject('alice');
      for (const closed of await Promise.all(closings)) expect(closed).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
      expect(bob.socket.readyState).toBe(bob.socket.OPEN);
      bob.socket.terminate();
    });
  });
});

describe.each(EXPRESS_VERSIONS)('connections of a refresh-token sign-in, beside an app on %s', (_name, expressFactory) => {
  let server: WsTestServer;
  let store: Store;
  let backend: JWTAuthenticationBackend;
  beforeEach(async () => {
    store = memoryStore();
    backend = refreshBackend(store, Date.now, { expiresIn: 3600, refreshTokens: { reuseInterval: 0 } });
    await backend.ready();
    server = await startWsServer({ expressFactory, backend, options: { authenticated: true, store } });
    await server.upgrades.ready();
  });
  afterEach(async () => {
    await server.close();
    await backend.close();
    await store.close();
  });

  it('closes the connections of a sign-in whose refresh-token family ends by reuse, and leaves another sign-in of the same user open', async () => {
    const { app } = refreshApp(backend, expressFactory);
    const stolen = await signIn(app);
    const other = await signIn(app);
    const first = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${stolen.access_token}` } }));
    const kept = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${other.access_token}` } }));
    const closing = closeOf(first.socket);
    await backend.refresh(stolen.refresh_token);
    // reuseInterval 0 still counts a second use in the same millisecond as a concurrent refresh.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(backend.refresh(stolen.refresh_token)).rejects.toMatchObject({ reason: 'reused' });
    expect(await closing).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kept.socket.readyState).toBe(kept.socket.OPEN);
    kept.socket.terminate();
  });
});

describe('the onExpired hook', () => {
  let server: WsTestServer;
  afterEach(async () => {
    await server.close();
  });

  it('keeps the connection open and renews it in-band with a new token of the same subject', async () => {
    const backend = realClockBackend();
    const expiries: CredentialsExpiry[] = [];
    server = await startWsServer({
      expressFactory: EXPRESS_VERSIONS[0][1],
      backend,
      options: { authenticated: true, onExpired: (expiry) => expiries.push(expiry) },
    });
    const first = backend.createToken('alice', { expiresIn: 1 });
    const { socket } = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${first}` } }));
    await new Promise((resolve) => setTimeout(resolve, (expOf(first) * 1000 - Date.now()) + 300));
    expect(expiries).toHaveLength(1);
    expect(socket.readyState).toBe(socket.OPEN);
    const renewed = backend.createToken('alice', { expiresIn: 3600 });
    const auth = await expiries[0].renew(renewed);
    expect(auth.credentials.payload?.exp).toBe(expOf(renewed));
    expect(connectionAuth(server.sockets[0])?.credentials.payload?.exp).toBe(expOf(renewed));
    socket.terminate();
  });

  it('refuses a renewal with another subject\'s token, and close() then closes with 1008', async () => {
    const backend = realClockBackend();
    const expiries: CredentialsExpiry[] = [];
    server = await startWsServer({ expressFactory: EXPRESS_VERSIONS[0][1], backend, options: { onExpired: (expiry) => expiries.push(expiry) } });
    const first = backend.createToken('alice', { expiresIn: 1 });
    const { socket } = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${first}` } }));
    await new Promise((resolve) => setTimeout(resolve, (expOf(first) * 1000 - Date.now()) + 300));
    await expect(expiries[0].renew(backend.createToken('mallory'))).rejects.toMatchObject({ code: 'invalid_token', reason: 'claim_mismatch', claim: 'sub' });
    await expect(expiries[0].renew('not-a-token')).rejects.toMatchObject({ code: 'invalid_token', reason: 'malformed' });
    const closing = closeOf(socket);
    expiries[0].close();
    expect(await closing).toMatchObject({ code: 1008, reason: 'The access token has expired.' });
  });

  it('refuses a renewal with a token of the same subject from another trusted issuer: another tenant\'s user', async () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, issuer: ['https://tenant-a.example', 'https://tenant-b.example'] });
    const expiries: CredentialsExpiry[] = [];
    server = await startWsServer({ expressFactory: EXPRESS_VERSIONS[0][1], backend, options: { onExpired: (expiry) => expiries.push(expiry) } });
    const now = Math.floor(Date.now() / 1000);
    const first = signToken({ sub: 'alice', iss: 'https://tenant-a.example', iat: now, exp: now + 1 });
    const { socket } = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${first}` } }));
    await new Promise((resolve) => setTimeout(resolve, (expOf(first) * 1000 - Date.now()) + 300));
    expect(expiries).toHaveLength(1);
    const otherTenant = signToken({ sub: 'alice', iss: 'https://tenant-b.example', iat: now, exp: now + 3600 });
    await expect(expiries[0].renew(otherTenant)).rejects.toMatchObject({ code: 'invalid_token', reason: 'claim_mismatch', claim: 'iss' });
    expect(connectionAuth(server.sockets[0])?.credentials.payload?.iss).toBe('https://tenant-a.example');
    const sameTenant = signToken({ sub: 'alice', iss: 'https://tenant-a.example', iat: now, exp: now + 3600 });
    await expect(expiries[0].renew(sameTenant)).resolves.toMatchObject({ credentials: { payload: { iss: 'https://tenant-a.example', exp: now + 3600 } } });
    socket.terminate();
  });

  it('is never called for a connection that closed before its token expired: its timer is cleared', async () => {
    const backend = realClockBackend();
    const expiries: CredentialsExpiry[] = [];
    server = await startWsServer({ expressFactory: EXPRESS_VERSIONS[0][1], backend, options: { onExpired: (expiry) => expiries.push(expiry) } });
    const token = backend.createToken('alice', { expiresIn: 1 });
    const { socket } = opened(await attemptUpgrade(server.url, { headers: { Authorization: `Bearer ${token}` } }));
    const closing = closeOf(server.sockets[0]);
    socket.close(1000);
    await closing;
    await new Promise((resolve) => setTimeout(resolve, (expOf(token) * 1000 - Date.now()) + 500));
    expect(expiries).toEqual([]);
  });
});
