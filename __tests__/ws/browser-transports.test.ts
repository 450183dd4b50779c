import type { IncomingMessage } from 'node:http';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { bodyOf, rawExchange, statusOf, upgradeRequest } from '../helpers/raw-upgrades';
import { claims, fixedClock, signToken } from '../helpers/tokens';
import { attemptUpgrade, startWsServer, type WsTestServer } from '../helpers/ws-servers';

const TOKEN = signToken();

describe.each(EXPRESS_VERSIONS)('tokens of browser clients on %s', (_name, expressFactory) => {
  let server: WsTestServer;
  afterEach(async () => {
    await server.close();
  });

  describe('in the Sec-WebSocket-Protocol header (enabled by default)', () => {
    let offeredToServer: string[][];
    beforeEach(async () => {
      offeredToServer = [];
      // Records what the WebSocket server is offered; selects the first, as ws does by default.
      const handleProtocols = (protocols: Set<string>, _req: IncomingMessage): string | false => {
        offeredToServer.push([...protocols]);
        return protocols.values().next().value ?? false;
      };
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { authenticated: true, clock: fixedClock }, handleProtocols });
    });

    it('opens a connection offered ["access_token", token] and selects access_token, never the token', async () => {
      const attempt = await attemptUpgrade(server.url, { protocols: ['access_token', TOKEN] });
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
      expect(attempt.greeting).toEqual({ user: 'user-1', scopes: ['authenticated', 'read'] });
      expect(attempt.protocol).toBe('access_token');
      expect(offeredToServer).toEqual([['access_token']]);
      attempt.socket.terminate();
    });

    it('lets the application select its own subprotocol offered beside the token', async () => {
      const attempt = await attemptUpgrade(server.url, { protocols: ['chat.v1', 'access_token', TOKEN] });
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
      expect(attempt.protocol).toBe('chat.v1');
      expect(offeredToServer).toEqual([['chat.v1', 'access_token']]);
      attempt.socket.terminate();
    });

    it('refuses an expired token in the subprotocol with 401 invalid_token', async () => {
      const expired = signToken(claims({ exp: (claims().iat as number) - 10 }));
      const attempt = await attemptUpgrade(server.url, { protocols: ['access_token', expired] });
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(401);
      expect(attempt.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="The access token has expired."');
      expect(JSON.parse(attempt.body)).toMatchObject({ status: 401, error: 'invalid_token', reason: 'expired' });
      expect(server.connections).toBe(0);
    });

    it('refuses the access_token marker with no token after it with 400 empty_token', async () => {
      const raw = await rawExchange(server.port, upgradeRequest('/ws', server.port, ['Sec-WebSocket-Protocol: chat.v1, access_token']));
      expect(statusOf(raw)).toBe(400);
      expect(raw).toContain('WWW-Authenticate: Bearer realm="api", error="invalid_request", error_description="The request names an access token but carries none."');
      expect(bodyOf(raw)).toMatchObject({ status: 400, error: 'invalid_request', reason: 'empty_token' });
      expect(server.connections).toBe(0);
    });

    it('refuses two access_token markers with 400 duplicate_token', async () => {
      const raw = await rawExchange(server.port, upgradeRequest('/ws', server.port, [`Sec-WebSocket-Protocol: access_token, ${TOKEN}, access_token, ${TOKEN}`]));
      expect(statusOf(raw)).toBe(400);
      expect(bodyOf(raw)).toMatchObject({ error: 'invalid_request', reason: 'duplicate_token' });
      expect(raw).not.toContain(TOKEN);
    });

    it('refuses a token in the subprotocol and another in Authorization with 400 duplicate_token', async () => {
      const attempt = await attemptUpgrade(server.url, { protocols: ['access_token', TOKEN], headers: { Authorization: `Bearer ${TOKEN}` } });
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(400);
      expect(JSON.parse(attempt.body)).toMatchObject({ error: 'invalid_request', reason: 'duplicate_token' });
      expect(server.connections).toBe(0);
    });

    it('refuses Authorization sent twice with 400 duplicate_header', async () => {
      const raw = await rawExchange(server.port, upgradeRequest('/ws', server.port, [`Authorization: Bearer ${TOKEN}`, `Authorization: Bearer ${TOKEN}`]));
      expect(statusOf(raw)).toBe(400);
      expect(bodyOf(raw)).toMatchObject({ error: 'invalid_request', reason: 'duplicate_header' });
      expect(server.connections).toBe(0);
    });

    it('refuses an oversized token with 401 too_large, without echoing it', async () => {
      const huge = `${TOKEN}${'A'.repeat(9000)}`;
      const raw = await rawExchange(server.port, upgradeRequest('/ws', server.port, [`Sec-WebSocket-Protocol: access_token, ${huge}`]));
      expect(statusOf(raw)).toBe(401);
      expect(bodyOf(raw)).toMatchObject({ error: 'invalid_token', reason: 'too_large' });
      expect(raw).not.toContain(huge);
    });

    it('answers a malformed upgrade request (no Sec-WebSocket-Key) with 400 and no connection', async () => {
      const request = upgradeRequest('/ws', server.port, [`Authorization: Bearer ${TOKEN}`]).replace('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n', '');
      const raw = await rawExchange(server.port, request);
      expect(statusOf(raw)).toBe(400);
      expect(server.connections).toBe(0);
    });
  });

  describe('in the access_token query parameter', () => {
    it('is ignored unless queryToken is enabled', async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { authenticated: true, clock: fixedClock } });
      const attempt = await attemptUpgrade(`${server.url}?access_token=${TOKEN}`);
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(401);
      expect(attempt.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(server.connections).toBe(0);
    });

    it('opens a connection with queryToken: true', async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { authenticated: true, queryToken: true, clock: fixedClock } });
      const attempt = await attemptUpgrade(`${server.url}?room=1&access_token=${TOKEN}`);
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
      expect(attempt.greeting).toEqual({ user: 'user-1', scopes: ['authenticated', 'read'] });
      attempt.socket.terminate();
    });

    it('refuses the parameter given twice with 400 duplicate_token', async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { queryToken: true, clock: fixedClock } });
      const attempt = await attemptUpgrade(`${server.url}?access_token=${TOKEN}&access_token=${TOKEN}`);
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(400);
      expect(JSON.parse(attempt.body)).toMatchObject({ error: 'invalid_request', reason: 'duplicate_token' });
      expect(server.connections).toBe(0);
    });

    it('refuses an empty parameter with 400 empty_token', async () => {
      server = await startWsServer({ expressFactory, backend: jwtBackend(), options: { queryToken: true, clock: fixedClock } });
      const attempt = await attemptUpgrade(`${server.url}?access_token=`);
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(400);
      expect(JSON.parse(attempt.body)).toMatchObject({ error: 'invalid_request', reason: 'empty_token' });
    });
  });
});
