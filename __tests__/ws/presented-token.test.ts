import type { IncomingMessage } from 'node:http';
import { DEFAULT_CHALLENGE } from '../../lib/core/challenge';
import { InvalidRequestError } from '../../lib';
import { presentToken, readQueryToken, readSubprotocolToken, stripSubprotocolToken } from '../../lib/ws/presented-token';
import { checkUpgradeOrigin } from '../../lib/ws/upgrade-origin';
import { fakeRequest } from '../helpers/raw-requests';

const HEADER = { name: 'authorization', label: 'Authorization', scheme: 'Bearer' };

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidRequestError) return err.reason;
    if (err instanceof Error) return err.name;
  }
  return undefined;
}

describe('readSubprotocolToken', () => {
  it('reads the entry after access_token, wherever the pair is in the list', () => {
    expect(readSubprotocolToken(fakeRequest({ 'sec-websocket-protocol': 'chat.v1, access_token, a.b.c' }), DEFAULT_CHALLENGE)).toBe('a.b.c');
  });

  it('finds nothing without the marker', () => {
    expect(readSubprotocolToken(fakeRequest({ 'sec-websocket-protocol': 'chat.v1, a.b.c' }), DEFAULT_CHALLENGE)).toBeNull();
    expect(readSubprotocolToken(fakeRequest({}), DEFAULT_CHALLENGE)).toBeNull();
  });

  it('refuses the marker last (no token) and the marker twice', () => {
    expect(reasonOf(() => readSubprotocolToken(fakeRequest({ 'sec-websocket-protocol': 'access_token' }), DEFAULT_CHALLENGE))).toBe('empty_token');
    expect(reasonOf(() => readSubprotocolToken(fakeRequest({ 'sec-websocket-protocol': 'access_token, a, access_token, b' }), DEFAULT_CHALLENGE))).toBe('duplicate_token');
  });
});

describe('stripSubprotocolToken', () => {
  it('removes the token and keeps the marker and the other subprotocols', () => {
    const req = fakeRequest({ 'sec-websocket-protocol': 'chat.v1, access_token, a.b.c' });
    stripSubprotocolToken(req);
    expect(req.headers['sec-websocket-protocol']).toBe('chat.v1, access_token');
  });
});

describe('readQueryToken', () => {
  it('reads the access_token parameter among others', () => {
    expect(readQueryToken(fakeRequest({}, 'GET', '/ws?room=1&access_token=a.b.c'), DEFAULT_CHALLENGE)).toBe('a.b.c');
  });

  it('finds nothing without a query or the parameter', () => {
    expect(readQueryToken(fakeRequest({}, 'GET', '/ws'), DEFAULT_CHALLENGE)).toBeNull();
    expect(readQueryToken(fakeRequest({}, 'GET', '/ws?token=a'), DEFAULT_CHALLENGE)).toBeNull();
  });
});

describe('presentToken', () => {
  it('shows the backends the token in their header, and leaves the request as it was', () => {
    const req = fakeRequest({ host: 'example.com' });
    const view = presentToken(req, HEADER, 'a.b.c', DEFAULT_CHALLENGE);
    expect(view.headers.authorization).toBe('Bearer a.b.c');
    expect(view.rawHeaders.slice(-2)).toEqual(['Authorization', 'Bearer a.b.c']);
    expect(view.headers.host).toBe('example.com');
    expect(req.headers.authorization).toBeUndefined();
  });

  it('refuses a request that already carries the header, unless it replaces it for a renewal', () => {
    const req = fakeRequest({ authorization: 'Bearer old' });
    expect(reasonOf(() => presentToken(req, HEADER, 'a.b.c', DEFAULT_CHALLENGE))).toBe('duplicate_token');
    const renewed = presentToken(req, HEADER, 'new', DEFAULT_CHALLENGE, true);
    expect(renewed.headers.authorization).toBe('Bearer new');
    expect(renewed.rawHeaders.filter((entry) => entry.toLowerCase() === 'authorization')).toHaveLength(1);
  });
});

describe('checkUpgradeOrigin', () => {
  const trusted = new Set(['https://admin.example.com']);
  const check = (req: IncomingMessage, expected?: string): string | undefined => reasonOf(() => checkUpgradeOrigin(req, trusted, DEFAULT_CHALLENGE, expected));

  it('passes the own origin, a trusted origin, and no Origin at all', () => {
    expect(check(fakeRequest({ host: 'app.example.com', origin: 'http://app.example.com' }))).toBeUndefined();
    expect(check(fakeRequest({ host: 'app.example.com', origin: 'https://admin.example.com' }))).toBeUndefined();
    expect(check(fakeRequest({ host: 'app.example.com' }))).toBeUndefined();
  });

  it('refuses another origin, another port, https for http, and null', () => {
    for (const origin of ['http://evil.example', 'http://app.example.com:8080', 'https://app.example.com', 'null']) {
      expect(check(fakeRequest({ host: 'app.example.com', origin }))).toBe('CrossSiteRequestError');
    }
  });

  it('compares with expectedOrigin behind a proxy that terminates TLS', () => {
    expect(check(fakeRequest({ host: 'internal:8080', origin: 'https://app.example.com' }), 'https://app.example.com')).toBeUndefined();
    expect(check(fakeRequest({ host: 'app.example.com', origin: 'http://app.example.com' }), 'https://app.example.com')).toBe('CrossSiteRequestError');
  });
});
