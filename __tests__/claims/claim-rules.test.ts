import fc from 'fast-check';
import request from 'supertest';
import { claimCheck, claimEquals, claimIncludes } from '../../lib';
import { claimEqualsTest, claimIncludesTest, type ClaimValue, readClaimValue } from '../../lib/jwt/claim-rules';
import { buildApp } from '../helpers/apps';
import { claims, signToken } from '../helpers/tokens';

// The cases of express-oauth2-jwt-bearer's claim-check tests, as this library answers them: a
// failed claim guard is 403 `insufficient_scope` (reason `missing_claim` or `claim_mismatch`),
// where the peer answers 401 `invalid_token` (see docs/authorization-rules.md for why).

const primitive: fc.Arbitrary<ClaimValue> = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));

describe('claimEqualsTest (the rule of claimEquals)', () => {
  it('accepts every JSON primitive as the expected value', () => {
    for (const value of ['foo', 1, true, null]) expect(readClaimValue('claimEquals', value)).toBe(value);
  });

  it('refuses an object as the expected value', () => {
    expect(() => readClaimValue('claimEquals', {})).toThrow('claimEquals: the expected value must be a string, a finite number, a boolean or null');
  });

  it('says missing_claim when the claim is not in the payload', () => {
    expect(claimEqualsTest('foo', 'bar')({})).toEqual({ reason: 'missing_claim', claim: 'foo' });
  });

  it('says claim_mismatch when the claim does not match', () => {
    expect(claimEqualsTest('foo', 'bar')({ foo: 'baz' })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
  });

  it('is satisfied when the claim matches', () => {
    expect(claimEqualsTest('foo', 'bar')({ foo: 'bar' })).toBeUndefined();
  });

  it('does not find a claim on the prototype chain', () => {
    expect(claimEqualsTest('toString', 'x')({})).toEqual({ reason: 'missing_claim', claim: 'toString' });
    expect(claimEqualsTest('__proto__', null)(JSON.parse('{"sub":"a"}') as Record<string, unknown>)).toEqual({ reason: 'missing_claim', claim: '__proto__' });
  });
});

describe('claimIncludesTest (the rule of claimIncludes)', () => {
  it('says missing_claim when the claim is not in the payload', () => {
    expect(claimIncludesTest('foo', ['bar'])({})).toEqual({ reason: 'missing_claim', claim: 'foo' });
  });

  it('says claim_mismatch when an expected value is not in the claim string', () => {
    expect(claimIncludesTest('foo', ['bar', 'baz'])({ foo: 'qux quxx' })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
  });

  it('says claim_mismatch when not every expected value is in the claim array', () => {
    expect(claimIncludesTest('foo', ['bar', 'baz'])({ foo: ['qux', 'bar'] })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
  });

  it('says claim_mismatch when the claim is neither an array nor a string', () => {
    expect(claimIncludesTest('foo', ['bar', 'baz'])({ foo: true })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
  });

  it('is satisfied when every expected value is in the claim string', () => {
    expect(claimIncludesTest('foo', ['bar', 'baz'])({ foo: 'foo bar baz' })).toBeUndefined();
  });

  it('is satisfied when every expected value is in the claim array', () => {
    expect(claimIncludesTest('foo', ['bar', 'baz'])({ foo: ['foo', 'bar', 'baz'] })).toBeUndefined();
  });

  it('compares array items strictly: 1 is not "1"', () => {
    expect(claimIncludesTest('foo', [1])({ foo: ['1'] })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
    expect(claimIncludesTest('foo', [1, null, false])({ foo: [false, null, 1] })).toBeUndefined();
  });

  it('counts a value listed twice once', () => {
    expect(claimIncludesTest('foo', ['bar', 'bar'])({ foo: ['bar'] })).toBeUndefined();
  });

  it('answers for an array of a million items without trouble', () => {
    const huge = Array.from({ length: 1_000_000 }, (_, index) => index);
    expect(claimIncludesTest('foo', ['bar'])({ foo: huge })).toEqual({ reason: 'claim_mismatch', claim: 'foo' });
    expect(claimIncludesTest('foo', [999_999, 0])({ foo: huge })).toBeUndefined();
  });
});

describe('Property: claim rules over claims of any JSON shape', () => {
  it('claimEqualsTest is satisfied exactly when the claim is present and === the value, and never throws', () => {
    fc.assert(fc.property(fc.jsonValue(), primitive, (actual, expected) => {
      const outcome = claimEqualsTest('c', expected)({ c: actual });
      expect(outcome === undefined).toBe(actual === expected);
      if (outcome !== undefined) expect(outcome).toEqual({ reason: 'claim_mismatch', claim: 'c' });
    }), { numRuns: 500 });
  });

  it('claimIncludesTest is satisfied exactly when an array or the words of a string hold every value, and never throws', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.array(primitive, { minLength: 1, maxLength: 4 }), (actual, expected) => {
      const items = typeof actual === 'string' ? actual.split(' ') : Array.isArray(actual) ? actual : [];
      const holds = (typeof actual === 'string' || Array.isArray(actual)) && expected.every((value) => items.includes(value));
      const outcome = claimIncludesTest('c', expected)({ c: actual });
      expect(outcome === undefined).toBe(holds);
      if (outcome !== undefined) expect(outcome).toEqual({ reason: 'claim_mismatch', claim: 'c' });
    }), { numRuns: 500 });
  });

  it('claimIncludesTest is satisfied by any array that contains the values, wherever they are', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.array(primitive, { minLength: 1, maxLength: 4 }), fc.nat(), (noise, expected, at) => {
      const claim = [...noise];
      claim.splice(at % (claim.length + 1), 0, ...expected);
      expect(claimIncludesTest('c', expected)({ c: claim })).toBeUndefined();
    }), { numRuns: 300 });
  });

  it('answers any claim shape over HTTP with 200 or 403, never 5xx, never echoing the expected value', async () => {
    const { app, probe } = buildApp({ guards: [claimEquals('c', 'expected-Secret-Value')] });
    const includes = buildApp({ guards: [claimIncludes('c', 'expected-Secret-Value', 42)] });
    const check = buildApp({ guards: [claimCheck((payload) => Array.isArray(payload.c) && payload.c.length > 2)] });
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
      const authorization = `Bearer ${signToken(claims({ c: value }))}`;
      for (const target of [{ app, probe }, includes, check]) {
        target.probe.handlerRan = false;
        const res = await request(target.app).get('/probe').set('Authorization', authorization);
        expect([200, 403]).toContain(res.status);
        expect(target.probe.handlerRan).toBe(res.status === 200);
        expect(target.probe.appErrors).toEqual([]);
        if (res.status === 403) {
          expect(res.text).not.toContain('expected-Secret-Value');
          expect(res.body).toMatchObject({ error: 'insufficient_scope', reason: 'claim_mismatch' });
        }
      }
    }), { numRuns: 60, examples: [['expected-Secret-Value'], [['expected-Secret-Value', 42]], ['expected-Secret-Value 42'], [null], [{}]] });
  });
});
