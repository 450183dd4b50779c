import { OAuth2Error, type OAuth2ErrorReason } from '../../lib/oauth2/oauth2-error';

describe('OAuth2Error', () => {
  it.each<[OAuth2ErrorReason, string, number]>([
    ['method_not_allowed', 'invalid_request', 405],
    ['unsupported_media_type', 'invalid_request', 400],
    ['body_too_large', 'invalid_request', 413],
    ['malformed_body', 'invalid_request', 400],
    ['repeated_parameter', 'invalid_request', 400],
    ['missing_parameter', 'invalid_request', 400],
    ['invalid_parameter', 'invalid_request', 400],
    ['multiple_client_authentication', 'invalid_request', 400],
    ['client_authentication_failed', 'invalid_client', 401],
    ['unsupported_grant_type', 'unsupported_grant_type', 400],
    ['bad_credentials', 'invalid_grant', 400],
    ['malformed_scope', 'invalid_scope', 400],
    ['scope_not_allowed', 'invalid_scope', 400],
  ])('maps reason %s to error %s with status %i', (reason, code, status) => {
    const err = new OAuth2Error(reason);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.reason).toBe(reason);
    expect(err.body).toEqual({ error: code, error_description: err.message });
    expect(err.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  });

  it('names the parameter at fault in the description, and keeps it as a field', () => {
    const err = new OAuth2Error('missing_parameter', { parameter: 'username' });
    expect(err.parameter).toBe('username');
    expect(err.body.error_description).toBe('A required parameter is missing: "username".');
    expect(err.message).toBe('A required parameter is missing.');
  });

  it('adds the headers each reason needs, and only those', () => {
    expect(new OAuth2Error('method_not_allowed').headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache', Allow: 'POST' });
    expect(new OAuth2Error('body_too_large').headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache', Connection: 'close' });
    expect(new OAuth2Error('client_authentication_failed', { realm: 'shop' }).headers).toEqual({
      'Cache-Control': 'no-store', Pragma: 'no-cache', 'WWW-Authenticate': 'Basic realm="shop"',
    });
    expect(new OAuth2Error('bad_credentials').headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  });

  it('is an Error named OAuth2Error, and not an AuthenticationError', () => {
    const err = new OAuth2Error('bad_credentials');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('OAuth2Error');
    expect(Object.keys(err.body)).toEqual(['error', 'error_description']);
  });
});
