import { formatChallenge } from '../../lib/core/challenge';
import { canonicalResourceUrl, metadataPathOf, metadataUrlOf } from '../../lib/core/resource-url';

describe('metadataPathOf', () => {
  it.each([
    ['https://mcp.example.com/mcp', '/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com/tenant/1/mcp', '/.well-known/oauth-protected-resource/tenant/1/mcp'],
    ['https://mcp.example.com/mcp/', '/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com/', '/.well-known/oauth-protected-resource'],
    ['https://mcp.example.com', '/.well-known/oauth-protected-resource'],
  ])('inserts the well-known path before the path of %s (RFC 9728 §3.1)', (resource, path) => {
    expect(metadataPathOf(resource)).toBe(path);
  });
});

describe('metadataUrlOf', () => {
  it('keeps the scheme, host and port of the resource', () => {
    expect(metadataUrlOf('http://127.0.0.1:8123/mcp')).toBe('http://127.0.0.1:8123/.well-known/oauth-protected-resource/mcp');
    expect(metadataUrlOf('https://mcp.example.com')).toBe('https://mcp.example.com/.well-known/oauth-protected-resource');
  });
});

describe('canonicalResourceUrl', () => {
  it.each(['https://mcp.example.com', 'https://mcp.example.com/', 'https://mcp.example.com:8443/mcp', 'http://[::1]:3000/mcp', 'https://mcp.example.com/a%20b'])(
    'returns %s as given',
    (value) => {
      expect(canonicalResourceUrl('Owner', 'resource', value)).toBe(value);
    },
  );

  it('names the owner and the option in its TypeError', () => {
    expect(() => canonicalResourceUrl('Owner', 'resourceMetadataUrl', 'HTTPS://mcp.example.com')).toThrow(
      new TypeError('Owner: "resourceMetadataUrl" must be in canonical form: lower-case scheme and host, no default port, a normalised path (write "https://mcp.example.com").'),
    );
  });
});

describe('formatChallenge with the challenge\'s own params', () => {
  it('writes them after the error params, quoted and escaped', () => {
    const challenge = { scheme: 'Bearer', realm: 'api', params: { resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/"x"' } };
    expect(formatChallenge(challenge, { error: 'invalid_token' })).toBe(
      'Bearer realm="api", error="invalid_token", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/\\"x\\""',
    );
  });

  it('writes them alone in a challenge without realm or error', () => {
    expect(formatChallenge({ scheme: 'Bearer', params: { resource_metadata: 'https://a.example/m' } })).toBe('Bearer resource_metadata="https://a.example/m"');
  });
});
