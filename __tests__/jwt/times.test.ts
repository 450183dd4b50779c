import { createHmac } from 'node:crypto';
import { buildApp, jwtBackend } from '../helpers/apps';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { manualClock } from '../helpers/manual-clock';
import { probeWith } from '../helpers/remote-apps';
import { claims, hmacToken, NOW, NOW_MS, SECRET } from '../helpers/tokens';

// RFC 7519 §4.1.4-4.1.6: exp, nbf and iat are NumericDates, finite JSON numbers, checked with
// the backend's clockTolerance (seconds) against its injected clock (milliseconds).

const HEADER = { alg: 'HS256', typ: 'JWT' };

/** Signs a payload given as raw JSON text, for values JSON.stringify cannot write (1e400). */
function tokenFromJson(payloadJson: string): string {
  const unsigned = `${Buffer.from(JSON.stringify(HEADER)).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

const token = (overrides: Record<string, unknown>): string => hmacToken(HEADER, claims(overrides));
const app = (options: Parameters<typeof jwtBackend>[0] = {}) => buildApp({ backend: jwtBackend(options) });

describe('JWTAuthenticationBackend time claims', () => {
  describe('when a time claim is not a finite number', () => {
    it.each([
      ['exp is 1e400 (Infinity once parsed: not "never expires")', `{"sub":"user-1","iat":${NOW},"exp":1e400}`, 'exp'],
      ['exp is -1e400', `{"sub":"user-1","iat":${NOW},"exp":-1e400}`, 'exp'],
      ['nbf is -1e400', `{"sub":"user-1","iat":${NOW},"nbf":-1e400,"exp":${NOW + 60}}`, 'nbf'],
      ['iat is 1e400', `{"sub":"user-1","iat":1e400,"exp":${NOW + 60}}`, 'iat'],
    ])('responds 401 malformed naming the claim when %s', async (_what, json, claim) => {
      const target = app();
      expectInvalidToken(await probeWith(target, tokenFromJson(json)), target.probe, 'malformed', claim);
    });

    it.each([
      ['exp is a numeric string', { exp: String(NOW + 60) }, 'exp'],
      ['exp is null', { exp: null }, 'exp'],
      ['exp is a boolean', { exp: true }, 'exp'],
      ['exp is an array', { exp: [NOW + 60] }, 'exp'],
      ['nbf is a string', { nbf: 'now' }, 'nbf'],
      ['iat is a string', { iat: String(NOW) }, 'iat'],
    ])('responds 401 malformed naming the claim when %s', async (_what, overrides, claim) => {
      const target = app();
      expectInvalidToken(await probeWith(target, token(overrides)), target.probe, 'malformed', claim);
    });

    it('accepts a fractional exp', async () => {
      expect((await probeWith(app(), token({ exp: NOW + 0.5 }))).status).toBe(200);
    });
  });

  describe('exp', () => {
    it('refuses a token at the second it expires with expired', async () => {
      const target = app();
      expectInvalidToken(await probeWith(target, token({ exp: NOW })), target.probe, 'expired', 'exp');
    });

    it('accepts it one second before, counting the clock in whole seconds', async () => {
      const clock = manualClock(NOW_MS + 999);
      expect((await probeWith(app({ clock: clock.now }), token({ exp: NOW + 1 }))).status).toBe(200);
      clock.advance(1);
      const target = app({ clock: clock.now });
      expectInvalidToken(await probeWith(target, token({ exp: NOW + 1 })), target.probe, 'expired', 'exp');
    });

    it('accepts an expired token within clockTolerance, and refuses it beyond', async () => {
      expect((await probeWith(app({ clockTolerance: 30 }), token({ exp: NOW - 29 }))).status).toBe(200);
      const target = app({ clockTolerance: 30 });
      expectInvalidToken(await probeWith(target, token({ exp: NOW - 30 })), target.probe, 'expired', 'exp');
    });
  });

  describe('nbf', () => {
    it('refuses a token whose nbf is in the future with not_yet_valid', async () => {
      const target = app();
      expectInvalidToken(await probeWith(target, token({ nbf: NOW + 1 })), target.probe, 'not_yet_valid', 'nbf');
    });

    it('accepts a token from its nbf on', async () => {
      expect((await probeWith(app(), token({ nbf: NOW }))).status).toBe(200);
    });

    it('accepts a future nbf within clockTolerance, and refuses it beyond', async () => {
      expect((await probeWith(app({ clockTolerance: 30 }), token({ nbf: NOW + 30 }))).status).toBe(200);
      const target = app({ clockTolerance: 30 });
      expectInvalidToken(await probeWith(target, token({ nbf: NOW + 31 })), target.probe, 'not_yet_valid', 'nbf');
    });

    it('reports not_yet_valid before expired for a token that is both', async () => {
      const target = app();
      expectInvalidToken(await probeWith(target, token({ nbf: NOW + 60, exp: NOW - 60 })), target.probe, 'not_yet_valid', 'nbf');
    });
  });

  describe('iat', () => {
    it('refuses a token issued further in the future than clockTolerance with not_yet_valid', async () => {
      const target = app({ clockTolerance: 30 });
      expectInvalidToken(await probeWith(target, token({ iat: NOW + 31 })), target.probe, 'not_yet_valid', 'iat');
    });

    it('accepts a token issued in the future within clockTolerance', async () => {
      const target = app({ clockTolerance: 30 });
      const res = await probeWith(target, token({ iat: NOW + 30 }));
      expect(res.status).toBe(200);
      expect(target.probe.handlerRan).toBe(true);
    });

    it('refuses any future iat without clockTolerance', async () => {
      const target = app();
      expectInvalidToken(await probeWith(target, token({ iat: NOW + 1 })), target.probe, 'not_yet_valid', 'iat');
    });

    it('accepts a token without iat when maxAge is not set', async () => {
      expect((await probeWith(app(), token({ iat: undefined }))).status).toBe(200);
    });
  });

  describe('maxAge', () => {
    it('refuses a token without iat with missing_claim iat', async () => {
      const target = app({ maxAge: 300 });
      expectInvalidToken(await probeWith(target, token({ iat: undefined })), target.probe, 'missing_claim', 'iat');
    });

    it('refuses a token older than maxAge with expired naming iat, though exp is still ahead', async () => {
      const target = app({ maxAge: 300 });
      expectInvalidToken(await probeWith(target, token({ iat: NOW - 300 })), target.probe, 'expired', 'iat');
    });

    it('accepts a token one second younger than maxAge', async () => {
      expect((await probeWith(app({ maxAge: 300 }), token({ iat: NOW - 299 }))).status).toBe(200);
    });

    it('adds clockTolerance to maxAge', async () => {
      expect((await probeWith(app({ maxAge: 300, clockTolerance: 10 }), token({ iat: NOW - 309 }))).status).toBe(200);
      const target = app({ maxAge: 300, clockTolerance: 10 });
      expectInvalidToken(await probeWith(target, token({ iat: NOW - 310 })), target.probe, 'expired', 'iat');
    });
  });

  describe('the order of the checks', () => {
    it('checks the signature before the times: an expired token with a bad signature is bad_signature', async () => {
      const target = app();
      const forged = hmacToken(HEADER, claims({ exp: NOW - 60 }), 'another-secret-of-at-least-sixty-four-bytes-0123456789abcdefghijkl');
      expectInvalidToken(await probeWith(target, forged), target.probe, 'bad_signature');
    });

    it('checks the signature before the times: a 1e400 exp with a bad signature is bad_signature', async () => {
      const target = app();
      const [header, payload] = tokenFromJson(`{"sub":"user-1","exp":1e400}`).split('.');
      expectInvalidToken(await probeWith(target, `${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`), target.probe, 'bad_signature');
    });
  });
});
