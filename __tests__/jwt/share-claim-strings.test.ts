import { shareClaimStrings } from '../../lib/jwt/share-claim-strings';

describe('shareClaimStrings', () => {
  const payloadOf = (claims: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(claims)) as Record<string, unknown>;

  it('leaves an iss and a string aud that equal the configuration with the same values', () => {
    const payload = payloadOf({ iss: 'https://issuer.example/', aud: 'api', sub: 'alice' });
    shareClaimStrings(payload, { issuer: 'https://issuer.example/', audience: 'api', requiredClaims: [] });
    expect(payload).toEqual({ iss: 'https://issuer.example/', aud: 'api', sub: 'alice' });
  });

  it('matches one of several configured issuers and audiences', () => {
    const payload = payloadOf({ iss: 'https://b.example/', aud: 'two' });
    shareClaimStrings(payload, { issuer: ['https://a.example/', 'https://b.example/'], audience: [/^one$/, 'two'], requiredClaims: [] });
    expect(payload).toEqual({ iss: 'https://b.example/', aud: 'two' });
  });

  it('never turns an audience array into a string, nor touches a claim matched by a RegExp or not configured', () => {
    const payload = payloadOf({ iss: 'https://issuer.example/', aud: ['api', 'other'] });
    shareClaimStrings(payload, { audience: /^api$/, requiredClaims: [] });
    expect(payload).toEqual({ iss: 'https://issuer.example/', aud: ['api', 'other'] });
    shareClaimStrings(payload, { audience: 'api', requiredClaims: [] });
    expect(payload.aud).toEqual(['api', 'other']);
  });

  it('leaves values that differ from the configuration as they are', () => {
    const payload = payloadOf({ iss: 'https://other.example/', aud: 'elsewhere' });
    shareClaimStrings(payload, { issuer: 'https://issuer.example/', audience: 'api', requiredClaims: [] });
    expect(payload).toEqual({ iss: 'https://other.example/', aud: 'elsewhere' });
  });
});
