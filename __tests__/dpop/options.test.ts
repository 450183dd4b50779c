import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, memoryStore } from '../../lib';
import { SECRET } from '../helpers/tokens';

function construct(options: Partial<JWTAuthenticationBackendOptions> | Record<string, unknown>): () => JWTAuthenticationBackend {
  return () => new JWTAuthenticationBackend({ secretKey: SECRET, ...options } as JWTAuthenticationBackendOptions);
}

describe('JWTAuthenticationBackend dpop, dpopOptions and mtls options', () => {
  it.each([
    ['an unknown mode', { dpop: 'always', store: memoryStore() }, /"dpop" must be 'allowed'/],
    ['dpop without a store', { dpop: 'allowed' }, /"dpop" needs "store" to refuse replayed proofs/],
    ['dpopOptions without dpop', { dpopOptions: {} }, /"dpopOptions" needs "dpop"/],
    ['dpop with another header', { dpop: 'allowed', store: memoryStore(), header: 'x-token' }, /reads the Authorization header/],
    ['dpop: \'required\' with a cookie', { dpop: 'required', store: memoryStore(), cookie: {} }, /refuses every cookie token/],
    ['a symmetric proof algorithm', { dpop: 'allowed', store: memoryStore(), dpopOptions: { algorithms: ['HS256'] } }, /never signed with a shared secret/],
    ['an empty algorithm list', { dpop: 'allowed', store: memoryStore(), dpopOptions: { algorithms: [] } }, /"algorithms" must be a non-empty array/],
    ['a negative maxAge', { dpop: 'allowed', store: memoryStore(), dpopOptions: { maxAge: -1 } }, /"maxAge" must be a finite number of at least 1/],
    ['a publicBaseUrl with a query', { dpop: 'allowed', store: memoryStore(), dpopOptions: { publicBaseUrl: 'https://api.example.com/?a=1' } }, /"publicBaseUrl" must be an absolute http\(s\) URL/],
    ['a relative publicBaseUrl', { dpop: 'allowed', store: memoryStore(), dpopOptions: { publicBaseUrl: '/api' } }, /"publicBaseUrl" must be an absolute http\(s\) URL/],
    ['a short nonce secret', { dpop: 'allowed', store: memoryStore(), dpopOptions: { nonce: { secret: 'short' } } }, /"nonce.secret" must be a string or Buffer of at least 32 bytes/],
    ['an unknown dpopOptions member', { dpop: 'allowed', store: memoryStore(), dpopOptions: { iatWindow: 60 } }, /unknown option "iatWindow"/],
    ['an mtls header that is not a header name', { mtls: { certificateHeader: 'client cert' } }, /"mtls.certificateHeader" must be a header name/],
    ['an unknown mtls member', { mtls: { trustProxy: true } }, /unknown option "trustProxy"/],
  ])('throws a TypeError for %s, saying what to fix', (_case, options, message) => {
    expect(construct(options)).toThrow(TypeError);
    expect(construct(options)).toThrow(message);
  });

  it('does not mutate the options it is given', async () => {
    const dpopOptions = Object.freeze({ algorithms: Object.freeze(['ES256'] as const), nonce: Object.freeze({ secret: 'nonce-secret-0123456789abcdefghijklmnop' }) });
    const options = Object.freeze({ secretKey: SECRET, store: memoryStore(), dpop: 'required' as const, dpopOptions, mtls: Object.freeze({ certificateHeader: 'Client-Cert' }) });
    const backend = new JWTAuthenticationBackend(options);
    expect(options.dpopOptions).toBe(dpopOptions);
    expect(dpopOptions.algorithms).toEqual(['ES256']);
    await backend.close();
  });
});
