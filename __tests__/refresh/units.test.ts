import { parseRevocationEntry, parseRevocationMessage, revocationHash, revocationKey, revocationMessage, revocationValue } from '../../lib/jwt/revocation-keys';
import { parseFamily, serializeFamily, type Family } from '../../lib/refresh/family';
import { RefreshTokenError } from '../../lib/refresh/refresh-error';
import {
  familyKey,
  newFamilyId,
  newRefreshToken,
  openResult,
  parseRefreshToken,
  refreshTokenHash,
  sameHash,
  sealResult,
  subjectKeyPrefix,
} from '../../lib/refresh/refresh-token';

describe('refresh token values', () => {
  it('are a 22-character family id and a 43-character secret, both base64url, and parse back to the family', () => {
    const familyId = newFamilyId();
    const token = newRefreshToken(familyId);
    expect(token).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    expect(parseRefreshToken(token)).toEqual({ familyId });
    expect(newRefreshToken(familyId)).not.toBe(token);
  });

  it.each(['', 'abc', `${'a'.repeat(22)}.${'b'.repeat(42)}`, `${'a'.repeat(22)}.${'b'.repeat(43)}.c`, `${'a'.repeat(21)}+.${'b'.repeat(43)}`])('refuses %p as not shaped as this library issues them', (value) => {
    expect(parseRefreshToken(value)).toBeUndefined();
  });

  it('are stored only as a SHA-256, and keys stay bounded whatever the subject', () => {
    const token = newRefreshToken(newFamilyId());
    expect(refreshTokenHash(token)).toMatch(/^[\w-]{43}$/);
    expect(refreshTokenHash(token)).not.toContain(token.split('.')[1]);
    expect(subjectKeyPrefix('x'.repeat(100_000)).length).toBeLessThan(80);
    expect(familyKey(newFamilyId()).length).toBeLessThan(40);
  });

  it('compare hashes of different lengths as different, and equal ones as equal', () => {
    const hash = refreshTokenHash('a');
    expect(sameHash(hash, hash)).toBe(true);
    expect(sameHash(hash, hash.slice(0, 22))).toBe(false);
    expect(sameHash(hash, refreshTokenHash('b'))).toBe(false);
  });

  it('seal a rotation\'s answer so that only the replaced token opens it', () => {
    const sealed = sealResult('previous-token', '{"a":1}');
    expect(sealed).not.toContain('"a"');
    expect(openResult('previous-token', sealed)).toBe('{"a":1}');
    expect(openResult('another-token', sealed)).toBeUndefined();
    expect(openResult('previous-token', `${sealed.slice(0, -2)}AA`)).toBeUndefined();
  });
});

describe('stored families', () => {
  const family: Family = {
    sub: 'alice', claims: { username: 'alice' }, scopes: ['read'], startedAt: 1, endsAt: 100, generation: 2,
    current: refreshTokenHash('t2'), currentExpiresAt: 50, previous: { hash: refreshTokenHash('t1'), atMs: 1000, sealed: 'x' }, used: ['abc'], ended: undefined,
  };

  it('survive a round trip through the store', () => {
    expect(parseFamily(serializeFamily(family))).toEqual(family);
  });

  it.each([undefined, 'not json', '[]', JSON.stringify({ ...family, generation: -1 }), JSON.stringify({ ...family, ended: 'maybe' }), JSON.stringify({ ...family, scopes: [1] })])('are refused when the store holds %p', (text) => {
    expect(parseFamily(text)).toBeUndefined();
  });
});

describe('sid revocations', () => {
  it('travel through keys, values and change-feed messages like jti revocations', () => {
    const revocation = { kind: 'sid' as const, hash: revocationHash('sid', newFamilyId()), until: 1_767_225_600 };
    expect(parseRevocationMessage(revocationMessage(revocation))).toEqual(revocation);
    expect(parseRevocationEntry(revocationKey(revocation), revocationValue(revocation))).toEqual(revocation);
    expect(revocationHash('sid', 'x')).not.toBe(revocationHash('jti', 'x'));
  });
});

describe('RefreshTokenError', () => {
  it('renders a 503 with Retry-After and no-store, and refusals as 400 with constant messages', () => {
    const unavailable = new RefreshTokenError('unavailable');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Retry-After': '5' });
    for (const reason of ['unknown', 'expired', 'revoked', 'reused', 'malformed'] as const) {
      expect(new RefreshTokenError(reason).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
    }
  });
});
