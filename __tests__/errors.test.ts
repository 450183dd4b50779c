import {
  type AnyAuthenticationError,
  AuthenticationError,
  CrossSiteRequestError,
  InsufficientClaimsError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  KeySetUnavailableError,
  InvalidRequestError,
  InvalidTokenError,
  NotAuthenticatedError,
} from '../lib';
import { problemDetails } from '../lib/problem-details';

describe('AuthenticationError subclasses', () => {
  it.each([
    [new InvalidRequestError('missing_token'), 'invalid_request', 400],
    [new InvalidTokenError('expired'), 'invalid_token', 401],
    [new InsufficientScopeError(['admin']), 'insufficient_scope', 403],
    [new NotAuthenticatedError(), 'not_authenticated', 401],
    [new CrossSiteRequestError(), 'cross_site_request', 403],
    [new KeySetUnavailableError(), 'temporarily_unavailable', 503],
  ] as const)('%p has its code and status and is an AuthenticationError', (err, code, status) => {
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.name).toBe(err.constructor.name);
  });

  it('writes RFC 6750 challenges into headers', () => {
    expect(new InvalidTokenError('expired').headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    });
    expect(new InsufficientScopeError(['a', 'b'], { challenge: { scheme: 'Bearer' } }).headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="a b"',
    );
    expect(new NotAuthenticatedError({ challenge: { scheme: 'JWT', realm: 'shop' } }).headers).toEqual({ 'WWW-Authenticate': 'JWT realm="shop"' });
    expect(new CrossSiteRequestError().headers).toEqual({});
    expect(new KeySetUnavailableError({ retryAfterSec: 9.2 }).headers).toEqual({ 'Retry-After': '10' });
    expect(new KeySetUnavailableError({ retryAfterSec: -5 }).headers).toEqual({ 'Retry-After': '1' });
  });

  it('keeps the cause without rendering it', () => {
    const cause = new Error('jwt audience invalid. expected: secret-aud');
    const err = new InvalidTokenError('claim_mismatch', { claim: 'aud', cause });
    expect(err.cause).toBe(cause);
    expect(JSON.stringify(problemDetails(err))).not.toContain('secret-aud');
    expect(err.headers['WWW-Authenticate']).not.toContain('secret-aud');
  });

  it('narrows on code in a switch', () => {
    const describe = (err: AnyAuthenticationError): string => {
      switch (err.code) {
        case 'invalid_token': return `token:${err.reason}`;
        case 'invalid_request': return `request:${err.reason}`;
        case 'insufficient_scope': return `scope:${err.scopes.join(',')}`;
        case 'not_authenticated': return 'anonymous';
        case 'cross_site_request': return 'cross-site';
        case 'temporarily_unavailable': return `retry in ${err.retryAfterSec}s`;
        case 'invalid_dpop_proof': return `proof:${err.reason}`;
        case 'use_dpop_nonce': return `nonce:${err.nonce}`;
        case 'insufficient_user_authentication': return `step-up:${err.acrValues.join(',')}`;
      }
    };
    expect(describe(new InvalidTokenError('revoked'))).toBe('token:revoked');
    expect(describe(new InsufficientScopeError(['x']))).toBe('scope:x');
    expect(describe(new InsufficientClaimsError('claim_mismatch', { claim: 'org' }))).toBe('scope:');
    expect(describe(new InsufficientUserAuthenticationError('claim_mismatch', { claim: 'acr', acrValues: ['mfa'] }))).toBe('step-up:mfa');
  });
});

describe('problemDetails', () => {
  it('builds an RFC 9457 body with the error code, reason and claim', () => {
    expect(problemDetails(new InvalidTokenError('missing_claim', { claim: 'exp' }))).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'The access token lacks a required claim.',
      error: 'invalid_token',
      reason: 'missing_claim',
      claim: 'exp',
    });
  });

  it('includes the required scope for insufficient_scope', () => {
    expect(problemDetails(new InsufficientScopeError(['a', 'b']))).toMatchObject({ title: 'Forbidden', status: 403, scope: 'a b' });
  });

  it('uses the status of an overridden insufficient_scope error', () => {
    expect(problemDetails(new InsufficientScopeError(['a'], { status: 404 }))).toMatchObject({ title: 'Not Found', status: 404 });
  });
});
