import request from 'supertest';
import { createDemoApp } from '../../demo-app/app';
import { fixedClock, SECRET } from '../helpers/tokens';

const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock: fixedClock, apiKey: 'test-api-key' });
const SITE = 'http://demo.test';
const SIGN_IN = 'username=alice&password=alice-password';

// Where a browser goes with this Location: the WHATWG URL parser, as browsers run it, drops
// TAB, CR and LF and reads `\` as `/`.
const destinationOf = (location: string): URL => new URL(location, `${SITE}/session`);

const HOSTILE_NEXT: readonly (readonly [string, string])[] = [
  ['a TAB between the slashes', '/\t/evil.example/'],
  ['a LF between the slashes', '/\n/evil.example/'],
  ['a CR LF between the slashes', '/\r\n/evil.example/'],
  ['a leading TAB', '\t//evil.example/'],
  ['a leading space', ' //evil.example/'],
  ['two slashes', '//evil.example/'],
  ['a slash and a backslash', '/\\evil.example'],
  ['a backslash later on', '/a/..\\..\\\\evil.example'],
  ['two backslashes', '\\\\evil.example'],
  ['an absolute URL', 'https://evil.example/'],
  ['a scheme-relative URL after a TAB', '/\t\\evil.example'],
  ['a NUL', '/profile\u0000'],
  ['a header injected after CR LF', '/profile\r\nSet-Cookie: token=forged'],
  ['a character above U+00FF', '/profile\u0100'],
  ['a Latin-1 letter', '/caf\u00e9'],
  ['a line separator', '/profile\u2028'],
  ['a space inside', '/ /evil.example'],
  ['DEL', '/profile\u007f'],
];

describe('demo app sign-in redirect (next=)', () => {
  describe.each(HOSTILE_NEXT)('when next holds %s', (_what, next) => {
    it('signs in with a 303 to /profile, never off-site and never 500', async () => {
      const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/profile');
      expect(destinationOf(res.headers.location).origin).toBe(SITE);
      expect(String(res.headers['set-cookie'])).toMatch(/^token=[\w-]+\.[\w-]+\.[\w-]+; /);
    });

    it('puts /profile in the login form instead', async () => {
      const res = await request(app).get('/login').query({ next });
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="next" value="/profile"');
    });
  });

  it.each([
    ['%2F%09%2Fevil.example%2F', 'TAB'],
    ['%2F%0D%0A%2Fevil.example%2F', 'CR LF'],
    ['%2F%00', 'NUL'],
    ['%2F%C4%80', 'U+0100'],
    ['%2F%5Cevil.example', 'backslash'],
  ])('redirects to /profile when the form body next=%s decodes to a %s', async (encoded) => {
    const res = await request(app).post('/session').type('form').send(`${SIGN_IN}&next=${encoded}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
  });

  it('keeps a percent-encoded TAB as text, which stays on the site', async () => {
    const res = await request(app).post('/session').type('form').send(`${SIGN_IN}&next=%2F%2509%2Fevil.example`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/%09/evil.example');
    expect(destinationOf(res.headers.location).origin).toBe(SITE);
  });

  it.each(['/profile', '/notes?draft=1', '/a/b#top', '/search?q=a%20b&x=~!$'])('redirects to the local path %s as given', async (next) => {
    const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(next);
    expect(destinationOf(res.headers.location).origin).toBe(SITE);
  });

  it('redirects to /profile when next is missing or not a string', async () => {
    const missing = await request(app).post('/session').type('form').send(SIGN_IN);
    const repeated = await request(app).post('/session').type('form').send(`${SIGN_IN}&next=/a&next=/b`);
    expect([missing.status, missing.headers.location]).toEqual([303, '/profile']);
    expect([repeated.status, repeated.headers.location]).toEqual([303, '/profile']);
  });
});
