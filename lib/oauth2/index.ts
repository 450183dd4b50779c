/**
 * express-jwt-auth/oauth2: the OAuth2 password flow around a JWT backend, and its token endpoint.
 *
 * @module express-jwt-auth/oauth2
 */
export { OAuth2PasswordBearer } from './oauth2-password-bearer';
export type { OAuth2PasswordBearerOptions } from './oauth2-password-bearer-options';
export { OAuth2Error, type OAuth2ErrorBody, type OAuth2ErrorCode, type OAuth2ErrorReason } from './oauth2-error';
export type { OAuth2TokenResponseBody } from './oauth2-token-response';
export type { TokenEndpointHandler } from './token-endpoint';
export type { ClientVerifier, CredentialsVerifier, TokenEndpointOptions, VerifiedCredentials } from './token-endpoint-options';
