import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { DEFAULT_CHALLENGE } from '../../lib/core/challenge';
import { checkSameOrigin, readExpectedOrigin, readTrustedOrigins } from '../../lib/cookie/same-origin';
import { CrossSiteRequestError } from '../../lib/errors';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildProbeApp, cookieBackend, expectCrossSiteRejection } from '../helpers/cookies';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { listenTlsLocally, TLS_CERT } from '../helpers/tls';
import { claims, signToken } from '../helpers/tokens';

const cookie = (): string => `token=${signToken(claims())}`;

describe.each(EXPRESS_VERSIONS)('the cookie backend\'s origin check over TLS on %s', (_name, expressFactory) => {
  let server: LocalServer;
  let built: ReturnType<typeof buildProbeApp>;

  beforeEach(async () => {
    built = buildProbeApp({ expressFactory, backend: cookieBackend({ trustedOrigins: ['https://admin.example'] }) });
    server = await listenTlsLocally(built.app);
  });
  afterEach(() => server.close());

  const post = () => request(server.origin).post('/probe').ca(TLS_CERT).set('Cookie', cookie());

  it('refuses a POST whose Origin has the same host and port but the http scheme', async () => {
    const res = await post().set('Origin', `http://127.0.0.1:${server.port}`);
    expectCrossSiteRejection(res, built.probe);
  });

  it('accepts a POST whose Origin is the server\'s own https origin', async () => {
    const res = await post().set('Origin', server.origin);
    expect(res.status).toBe(200);
    expect(built.probe.handlerRan).toBe(true);
  });

  it('refuses a POST without Origin whose Referer comes from the same host over http', async () => {
    const res = await post().set('Referer', `http://127.0.0.1:${server.port}/form`);
    expectCrossSiteRejection(res, built.probe);
  });

  it('refuses a POST without Origin whose Referer comes from another site', async () => {
    const res = await post().set('Referer', 'https://evil.example/form');
    expectCrossSiteRejection(res, built.probe);
  });

  it('refuses a POST without Origin whose Referer is not a URL', async () => {
    const res = await post().set('Referer', 'not a url');
    expectCrossSiteRejection(res, built.probe);
  });

  it('accepts a POST without Origin whose Referer is a page of the server\'s own https origin', async () => {
    const res = await post().set('Referer', `${server.origin}/form?x=1`);
    expect(res.status).toBe(200);
    expect(built.probe.handlerRan).toBe(true);
  });

  it('accepts a POST without Origin whose Referer is a page of a trusted origin', async () => {
    const res = await post().set('Referer', 'https://admin.example/users');
    expect(res.status).toBe(200);
    expect(built.probe.handlerRan).toBe(true);
  });

  it('judges by Origin, not Referer, when both are sent', async () => {
    const res = await post().set('Origin', `http://127.0.0.1:${server.port}`).set('Referer', `${server.origin}/form`);
    expectCrossSiteRejection(res, built.probe);
  });

  it('accepts a POST with neither Sec-Fetch-Site, Origin nor Referer, as a non-browser client sends it', async () => {
    const res = await post();
    expect(res.status).toBe(200);
    expect(built.probe.handlerRan).toBe(true);
  });
});

describe.each(EXPRESS_VERSIONS)('the cookie backend\'s origin check over plain HTTP on %s', (_name, expressFactory) => {
  let server: LocalServer;
  let built: ReturnType<typeof buildProbeApp>;

  beforeEach(async () => {
    built = buildProbeApp({ expressFactory });
    server = await listenLocally(built.app);
  });
  afterEach(() => server.close());

  it('refuses a POST whose Origin has the same host and port but the https scheme', async () => {
    const res = await request(server.origin).post('/probe').set('Cookie', cookie()).set('Origin', `https://127.0.0.1:${server.port}`);
    expectCrossSiteRejection(res, built.probe);
  });

  it('accepts a POST whose Host names the default port explicitly and whose Origin omits it', async () => {
    const res = await request(server.origin)
      .post('/probe')
      .set('Cookie', cookie())
      .set('Host', 'app.example:80')
      .set('Origin', 'http://app.example');
    expect(res.status).toBe(200);
    expect(built.probe.handlerRan).toBe(true);
  });

  it('refuses a POST whose Host carries a path and whose Origin names the host before it', async () => {
    const res = await request(server.origin)
      .post('/probe')
      .set('Cookie', cookie())
      .set('Host', 'app.example/x')
      .set('Origin', 'http://app.example');
    expectCrossSiteRejection(res, built.probe);
  });
});

describe('checkSameOrigin with expectedOrigin, behind a proxy that terminates TLS', () => {
  const EXPECTED = 'https://app.example';
  let server: LocalServer;

  // What the app behind the proxy sees: plain HTTP, the public Host, the browser's Origin.
  function judge(req: IncomingMessage, res: ServerResponse): void {
    try {
      checkSameOrigin(req, new Set(), DEFAULT_CHALLENGE, readExpectedOrigin('Test', EXPECTED));
      res.end('passed');
    } catch (err) {
      res.end(err instanceof CrossSiteRequestError ? 'refused' : 'crashed');
    }
  }

  beforeAll(async () => {
    server = await listenLocally(judge);
  });
  afterAll(() => server.close());

  const post = () => request(server.origin).post('/').set('Host', 'app.example');

  it('accepts the browser\'s https Origin although the connection is plain HTTP', async () => {
    expect((await post().set('Origin', 'https://app.example')).text).toBe('passed');
  });

  it('refuses an http Origin of the same host, which the derived origin would have accepted', async () => {
    expect((await post().set('Origin', 'http://app.example')).text).toBe('refused');
  });

  it('refuses a Referer from the same host over http', async () => {
    expect((await post().set('Referer', 'http://app.example/form')).text).toBe('refused');
  });

  it('accepts a Referer from a page of the expected origin', async () => {
    expect((await post().set('Referer', 'https://app.example/form')).text).toBe('passed');
  });
});

describe('readExpectedOrigin', () => {
  it('returns undefined when the option is not set', () => {
    expect(readExpectedOrigin('Test', undefined)).toBeUndefined();
  });

  it.each(['https://app.example', 'http://127.0.0.1:8080', 'https://app.example:8443'])('accepts the origin %s', (origin) => {
    expect(readExpectedOrigin('Test', origin)).toBe(origin);
  });

  it.each([
    ['a trailing slash', 'https://app.example/'],
    ['a path', 'https://app.example/app'],
    ['the default port', 'https://app.example:443'],
    ['upper case', 'https://App.example'],
    ['another scheme', 'ftp://app.example'],
    ['the opaque origin', 'null'],
    ['a list', ['https://app.example']],
    ['a number', 443],
  ])('throws a TypeError that names the option for %s', (_what, value) => {
    expect(() => readExpectedOrigin('Test', value)).toThrow(new TypeError(
      'Test: "expectedOrigin" must be an origin such as "https://app.example.com" (http or https, no path, no trailing slash, no default port).',
    ));
  });
});

describe('readTrustedOrigins', () => {
  it('still accepts the origins it accepted before', () => {
    expect(readTrustedOrigins('Test', ['https://a.example', 'http://127.0.0.1:3000'])).toEqual(new Set(['https://a.example', 'http://127.0.0.1:3000']));
  });

  it('still refuses an origin with a path', () => {
    expect(() => readTrustedOrigins('Test', ['https://a.example/x'])).toThrow(TypeError);
  });
});
