import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { type Algorithm, JWTAuthenticationBackend } from '../../lib';
import { expectRefusedOrAnonymous, type FuzzTarget, probe, sendable, startFuzzTarget } from '../helpers/fuzz-targets';
import { flipCharacter, hmacSigned, signedToken } from '../helpers/hostile-tokens';
import { type RejectionWatch, watchUnhandledRejections, withOnlyOurRejectionListeners } from '../helpers/process-errors';
import { claims, fixedClock, keys, NOW, pem, SECRET } from '../helpers/tokens';

// Property-based tests over the whole HTTP stack: whatever the bytes, the answer is 400, 401 or
// anonymous, never a 5xx, never a hang (each request has a deadline), never the handler running
// as an authenticated user for a token that is not genuine, never an unhandled rejection.
// Runs are bounded so the file stays well under 20 seconds.

type FuzzAlgorithm = Extract<Algorithm, 'HS256' | 'RS256' | 'ES256' | 'EdDSA'>;

const ed25519 = generateKeyPairSync('ed25519');
const KEYS: Readonly<Record<FuzzAlgorithm, { readonly verify: string | KeyObject; readonly sign: string | KeyObject }>> = {
  HS256: { verify: SECRET, sign: SECRET },
  RS256: { verify: pem(keys.rsa.publicKey), sign: keys.rsa.privateKey },
  ES256: { verify: pem(keys.ec256.publicKey), sign: keys.ec256.privateKey },
  EdDSA: { verify: ed25519.publicKey, sign: ed25519.privateKey },
};
const ALGORITHMS = Object.keys(KEYS) as FuzzAlgorithm[];

const genuine = (algorithm: FuzzAlgorithm, overrides: Record<string, unknown> = {}): string =>
  signedToken(algorithm, KEYS[algorithm].sign, claims(overrides));

const targets = new Map<FuzzAlgorithm, FuzzTarget>();
const target = (algorithm: FuzzAlgorithm): FuzzTarget => targets.get(algorithm) as FuzzTarget;
let watch: RejectionWatch;

beforeAll(async () => {
  watch = watchUnhandledRejections();
  for (const algorithm of ALGORITHMS) {
    // The cookie backend reads both the Authorization header and the cookie.
    targets.set(algorithm, await startFuzzTarget(new JWTAuthenticationBackend({ secretKey: KEYS[algorithm].verify, algorithm, clock: fixedClock, cookie: {} })));
  }
});

afterEach(() => {
  for (const one of targets.values()) {
    expect(one.appErrors).toEqual([]);
    one.authenticated.length = 0;
  }
  expect(watch.reasons).toEqual([]);
});

afterAll(async () => {
  watch.stop();
  for (const one of targets.values()) await one.close();
});

describe('the unhandled rejection watch', () => {
  it('sees a rejection nobody handles, so its silence in the properties below means something', async () => {
    await withOnlyOurRejectionListeners(async () => {
      const own = watchUnhandledRejections();
      void Promise.reject(new Error('provoked on purpose'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      own.stop();
      expect(own.reasons).toEqual([new Error('provoked on purpose')]);
    });
  });
});

describe.each(ALGORITHMS)('Property: a %s token changed in any way never authenticates', (algorithm) => {
  const token = genuine(algorithm);
  const signatureStart = token.lastIndexOf('.') + 1;

  it('accepts the genuine token, so the properties below are not vacuous', async () => {
    for (const headers of [{ Authorization: `Bearer ${token}` }, { Cookie: `token=${token}` }] as Record<string, string>[]) {
      const res = await probe(target(algorithm), headers);
      expect(res.body).toEqual({ authenticated: true, identity: 'user-1' });
    }
  });

  it('refuses the token with one bit of one base64url character flipped', async () => {
    // The last signature character's unused low bits are always tried: a lax decoder ignores them.
    const examples: [number, number][] = [0, 1, 2, 3].map((bit) => [token.length - 1, bit]);
    await fc.assert(fc.asyncProperty(fc.nat(token.length - 1), fc.nat(5), async (index, bit) => {
      fc.pre(token[index] !== '.');
      const flipped = flipCharacter(token, index, bit);
      fc.pre(flipped !== token);
      const res = await probe(target(algorithm), index % 2 === 0 ? { Authorization: `Bearer ${flipped}` } : { Cookie: `token=${flipped}` });
      expect(res.status).toBe(401);
      expectRefusedOrAnonymous(res);
    }), { numRuns: 200, examples });
    expect(target(algorithm).authenticated).toEqual([]);
  });

  it('refuses the token with one bit of one decoded byte flipped, re-encoded in strict base64url', async () => {
    const segments = token.split('.').map((part) => Buffer.from(part, 'base64url'));
    await fc.assert(fc.asyncProperty(fc.nat(2), fc.nat(), fc.nat(7), async (which, at, bit) => {
      const bytes = Buffer.from(segments[which]);
      bytes[at % bytes.length] ^= 1 << bit;
      const parts = segments.map((part, index) => (index === which ? bytes : part).toString('base64url'));
      const res = await probe(target(algorithm), { Authorization: `Bearer ${parts.join('.')}` });
      expect(res.status).toBe(401);
      expectRefusedOrAnonymous(res);
    }), { numRuns: 150 });
    expect(target(algorithm).authenticated).toEqual([]);
  });

  it('refuses every truncation of the token, from either end', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: token.length - 1 }), fc.boolean(), async (cut, fromEnd) => {
      const truncated = fromEnd ? token.slice(0, cut) : token.slice(cut);
      const res = await probe(target(algorithm), { Cookie: `token=${truncated}` });
      expectRefusedOrAnonymous(res);
      expect(res.status).toBe(401);
    }), { numRuns: 100, examples: [[signatureStart - 1, true], [signatureStart, true]] });
    expect(target(algorithm).authenticated).toEqual([]);
  });
});

describe('Property: segments spliced from several tokens authenticate only as the token they spell', () => {
  const pool = [genuine('HS256'), genuine('HS256', { sub: 'admin', scope: 'read admin' }), genuine('HS256', { exp: NOW - 1 }), genuine('RS256')];
  const valid = new Map([[pool[0], 'user-1'], [pool[1], 'admin']]);

  it('never authenticates a mix, and authenticates an exact genuine token as its own subject', async () => {
    const piece = fc.record({ from: fc.nat(pool.length - 1), part: fc.nat(2) });
    await fc.assert(fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 5 }), async (pieces) => {
      const spliced = pieces.map(({ from, part }) => pool[from].split('.')[part]).join('.');
      const res = await probe(target('HS256'), { Authorization: `Bearer ${spliced}` });
      const identity = valid.get(spliced);
      if (identity === undefined) expectRefusedOrAnonymous(res);
      else expect(res.body).toEqual({ authenticated: true, identity });
    }), { numRuns: 200, examples: [[[{ from: 1, part: 0 }, { from: 1, part: 1 }, { from: 1, part: 2 }]], [[{ from: 0, part: 0 }, { from: 1, part: 1 }, { from: 0, part: 2 }]]] });
  });
});

describe('Property: random bytes in the shape of a token are refused', () => {
  it('refuses three segments of random bytes with 401', async () => {
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 });
    await fc.assert(fc.asyncProperty(fc.tuple(bytes, bytes, bytes), async (parts) => {
      const token = parts.map((part) => Buffer.from(part).toString('base64url')).join('.');
      const res = await probe(target('EdDSA'), { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expectRefusedOrAnonymous(res);
    }), { numRuns: 150 });
  });

  it('refuses huge tokens with too_large, in the header and in the cookie', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 6200, max: 8800 }), fc.boolean(), async (length, inCookie) => {
      // 6200 to 8800 characters of claim make tokens of about 8.4 to 11.9 KiB: past maxTokenLength, within Node's 16 KiB of headers.
      const token = genuine('HS256', { padding: 'x'.repeat(length) });
      expect(token.length).toBeGreaterThan(8192);
      const res = await probe(target('HS256'), inCookie ? { Cookie: `token=${token}` } : { Authorization: `Bearer ${token}` });
      expectRefusedOrAnonymous(res);
      expect(res.body).toMatchObject({ reason: 'too_large' });
    }), { numRuns: 25 });
  });
});

describe('Property: any claims and any header, correctly signed, are accepted only when valid', () => {
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.double(), fc.string({ unit: 'binary', maxLength: 20 }));
  const time = (valid: number): fc.Arbitrary<unknown> => fc.oneof(fc.constant(valid), fc.integer({ min: NOW - 10_000, max: NOW + 10_000 }), anyValue);

  it('answers 200 only for a finite exp in the future, no nbf or iat in the future, and iss and sub strings or absent, and 401 otherwise', async () => {
    const claimsArbitrary = fc.record({
      sub: anyValue, username: anyValue, scope: anyValue, scp: anyValue, scopes: anyValue, iss: anyValue, aud: anyValue, jti: anyValue,
      exp: time(NOW + 3600), nbf: time(NOW - 60), iat: time(NOW),
    }, { requiredKeys: ['exp'] });
    const extra = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), anyValue, { maxKeys: 4 });
    await fc.assert(fc.asyncProperty(claimsArbitrary, extra, async (registered, more) => {
      const payload = { ...more, ...registered };
      const token = hmacSigned({ alg: 'HS256', typ: 'JWT' }, payload, SECRET);
      fc.pre(token.length <= 8192); // longer is too_large, another property's subject
      const res = await probe(target('HS256'), { Authorization: `Bearer ${token}` });
      // What survives JSON, as the verifier sees it.
      const sent = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
      const valid = typeof sent.exp === 'number' && sent.exp > NOW
        && [sent.nbf, sent.iat].every((value) => value === undefined || (typeof value === 'number' && value <= NOW))
        // RFC 7519 §4.1.1-4.1.2: StringOrURI, whatever the backend checks.
        && [sent.iss, sent.sub].every((value) => value === undefined || typeof value === 'string');
      if (valid) {
        expect(res.status).toBe(200);
        expect(res.body.authenticated).toBe(true);
        expect(res.body.identity).toBe(sent.sub ?? '');
      } else {
        expect(res.status).toBe(401);
        expectRefusedOrAnonymous(res);
      }
    }), { numRuns: 300 });
  });

  it('answers 200 only for alg HS256, no crit, and a string kid or none', async () => {
    const header = fc.record({
      alg: fc.oneof(fc.constant('HS256'), fc.constantFrom('none', 'HS384', 'RS256', 'hs256', 'HS256 '), anyValue),
      typ: anyValue, kid: anyValue, crit: anyValue, jku: anyValue, x5u: anyValue, jwk: anyValue, cty: anyValue,
    }, { requiredKeys: ['alg'] });
    await fc.assert(fc.asyncProperty(header, async (fields) => {
      const res = await probe(target('HS256'), { Authorization: `Bearer ${hmacSigned(fields, claims(), SECRET)}` });
      const sent = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
      const valid = sent.alg === 'HS256' && !('crit' in sent) && (sent.kid === undefined || typeof sent.kid === 'string');
      if (valid) expect(res.body).toEqual({ authenticated: true, identity: 'user-1' });
      else expectRefusedOrAnonymous(res);
    }), { numRuns: 200, examples: [[{ alg: 'HS256', kid: 7 }], [{ alg: 'HS256', crit: [] }], [{ alg: 'HS256', kid: '../../etc/passwd', jku: 'http://127.0.0.1:1/' }]] });
  });
});

describe('Property: any Authorization header and any Cookie header', () => {
  const expired = genuine('HS256', { exp: NOW - 1 });
  const fragment = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'JWT', ' ', '\t', '.', '=', ';', ',', '"', '%', 'token', 'token=', expired),
    fc.base64String({ maxLength: 40 }),
  );
  const text = fc.array(fragment, { maxLength: 8 }).map((parts) => sendable(parts.join('')));

  it('answers any Authorization header with 400, 401 or anonymous', async () => {
    await fc.assert(fc.asyncProperty(text, async (value) => {
      expectRefusedOrAnonymous(await probe(target('HS256'), { Authorization: value }));
    }), { numRuns: 400, examples: [[''], ['Bearer'], ['Bearer  '], [`Bearer ${expired} x`], ['Bearer \t.'], [`bEaReR ${expired}`]] });
    expect(target('HS256').authenticated).toEqual([]);
  });

  it('answers any Cookie header with 400, 401 or anonymous', async () => {
    await fc.assert(fc.asyncProperty(text, async (value) => {
      expectRefusedOrAnonymous(await probe(target('HS256'), { Cookie: value }));
    }), { numRuns: 300, examples: [['token='], ['token=""'], [`token="${expired}`], [`token=${expired}; token=${expired}`], ['token=%E0%A4%A'], ['=token']] });
    expect(target('HS256').authenticated).toEqual([]);
  });
});
