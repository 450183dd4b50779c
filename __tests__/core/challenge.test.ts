import { formatChallenge } from '../../lib/core/challenge';

describe('formatChallenge', () => {
  it('writes the scheme alone when there are no parameters', () => {
    expect(formatChallenge({ scheme: 'Bearer' })).toBe('Bearer');
  });

  it('writes realm first, then the parameters in order, skipping undefined ones', () => {
    expect(formatChallenge({ scheme: 'Bearer', realm: 'api' }, { error: 'invalid_token', scope: undefined, x: 'y' }))
      .toBe('Bearer realm="api", error="invalid_token", x="y"');
  });

  it('escapes quotes and backslashes and drops control characters', () => {
    expect(formatChallenge({ scheme: 'Bearer', realm: 'a"b\\c\r\nSet-Cookie: x' })).toBe('Bearer realm="a\\"b\\\\cSet-Cookie: x"');
  });

  it('writes the challenge\'s own params after the error\'s, and its alternatives after it without the error', () => {
    const bearer = { scheme: 'Bearer', realm: 'api' };
    const dpop = { scheme: 'DPoP', realm: 'api', params: { algs: 'ES256 EdDSA' }, alternatives: [bearer] };
    expect(formatChallenge(dpop, { error: 'invalid_dpop_proof' })).toBe('DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA", Bearer realm="api"');
    expect(formatChallenge({ ...bearer, alternatives: [{ scheme: 'DPoP', params: { algs: 'ES256' } }] })).toBe('Bearer realm="api", DPoP algs="ES256"');
  });
});
