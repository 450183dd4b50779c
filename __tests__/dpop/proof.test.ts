import { InvalidDpopProofError } from '../../lib';
import { type ProofExpectations, verifyDpopProof } from '../../lib/jwt/dpop/proof';
import { normaliseHtu, requestHtu } from '../../lib/jwt/dpop/request-url';
import { fakeRequest } from '../helpers/raw-requests';

// RFC 9449 §7.1, figure 13: a proof for a protected resource, made by the RFC's authors.
const RFC_PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19'
  + '.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9'
  + '.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA';
// RFC 9449 §7.1, figure 12: the access token the proof was made for (opaque), and §6.1's thumbprint of the proof's key.
const RFC_TOKEN = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
const RFC_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

const RFC_REQUEST: ProofExpectations = {
  method: 'GET',
  url: 'https://resource.example.org/protectedresource',
  accessToken: RFC_TOKEN,
  algorithms: ['ES256'],
  maxAge: 60,
  clockTolerance: 5,
  now: 1562262618,
  maxProofLength: 4096,
  challenge: { scheme: 'DPoP' },
};

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidDpopProofError);
    return (err as InvalidDpopProofError).reason;
  }
}

describe('verifyDpopProof', () => {
  it('accepts the proof of RFC 9449 §7.1 for its request, and finds the thumbprint of §6.1', () => {
    expect(verifyDpopProof(RFC_PROOF, RFC_REQUEST)).toEqual({ jkt: RFC_JKT, jti: 'e1j3V_bKic8-LAEB', iat: 1562262618, nonce: undefined });
  });

  it('refuses the RFC proof for another token, method, URL, time or algorithm list', () => {
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, accessToken: `${RFC_TOKEN}x` }))).toBe('hash_mismatch');
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, method: 'POST' }))).toBe('method_mismatch');
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, url: 'https://resource.example.org/other' }))).toBe('url_mismatch');
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, now: 1562262618 + 66 }))).toBe('too_old');
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, now: 1562262618 - 6 }))).toBe('issued_in_future');
    expect(reasonOf(() => verifyDpopProof(RFC_PROOF, { ...RFC_REQUEST, algorithms: ['EdDSA'] }))).toBe('algorithm_not_allowed');
  });

  it('refuses the RFC proof with one bit of its signature changed', () => {
    const last = RFC_PROOF.at(-2) === 'j' ? 'k' : 'j';
    expect(reasonOf(() => verifyDpopProof(`${RFC_PROOF.slice(0, -2)}${last}A`, RFC_REQUEST))).toBe('bad_signature');
  });
});

describe('normaliseHtu', () => {
  it.each([
    ['HTTPS://API.Example.COM/a', 'https://api.example.com/a'],
    ['https://api.example.com:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80/a', 'http://api.example.com/a'],
    ['https://api.example.com:8443/a', 'https://api.example.com:8443/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/./b/../c', 'https://api.example.com/a/c'],
    ['https://api.example.com/%7euser/%2f', 'https://api.example.com/~user/%2F'],
    ['https://api.example.com/a?q=1#f', 'https://api.example.com/a'],
  ])('writes %s as %s', (value, expected) => {
    expect(normaliseHtu(value)).toBe(expected);
  });

  it.each(['/relative', 'ftp://api.example.com/a', 'https://user:pw@api.example.com/a', 'not a url', 'javascript:alert(1)'])('refuses %s', (value) => {
    expect(normaliseHtu(value)).toBeUndefined();
  });
});

describe('requestHtu', () => {
  const base = { publicOrigin: undefined, publicPathPrefix: '' };

  it('uses the configured public origin and prefix, and the path of the request without its query', () => {
    expect(requestHtu(fakeRequest({ host: 'internal:8080' }, 'GET', '/orders?id=1'), { publicOrigin: 'https://api.example.com', publicPathPrefix: '/v1' })).toBe('https://api.example.com/v1/orders');
  });

  it('rebuilds the URL from the Host header when no public origin is configured', () => {
    expect(requestHtu(fakeRequest({ host: 'API.example.com:80' }, 'GET', '/a'), base)).toBe('http://api.example.com/a');
  });

  it.each(['evil.com/x', 'evil.com?', 'a@b', ''])('makes no URL of the Host header %j', (host) => {
    expect(requestHtu(fakeRequest({ host }, 'GET', '/a'), base)).toBeUndefined();
  });

  it('makes no URL of a request target in absolute form', () => {
    expect(requestHtu(fakeRequest({ host: 'api.example.com' }, 'GET', 'http://other.example.com/a'), base)).toBeUndefined();
  });
});
