import './express/augment';

export type { AuthenticationBackend, AuthResult } from './backend';
export { type Challenge, formatChallenge } from './core/challenge';
export { type ProblemDetails, problemDetails } from './problem-details';
export { AuthCredentials, type TokenPayload } from './credentials';
export {
  type AnyAuthenticationError,
  AuthenticationError,
  type AuthenticationErrorCode,
  type AuthenticationErrorOptions,
  CrossSiteRequestError,
  KeySetUnavailableError,
  type KeySetUnavailableErrorOptions,
  InsufficientScopeError,
  type InsufficientScopeErrorOptions,
  InvalidRequestError,
  type InvalidRequestReason,
  InvalidTokenError,
  type InvalidTokenErrorOptions,
  type InvalidTokenReason,
  NotAuthenticatedError,
} from './errors';
export type { AuthenticatedRequest } from './express/authenticated-request';
export { anonymousAllowed, authenticated, type AuthenticatedOptions, requires, type RequiresOptions } from './express/guards';
export { authenticationMiddleware, type AuthenticationMiddlewareOptions } from './express/middleware';
export { type AuthenticationErrorHandler, renderAuthenticationError } from './express/render-error';
export { type JwksHandlerOptions, jwksHandler, type JwksPublisher } from './express/jwks-handler';
export { type RouteAccess, routeAccessOf } from './express/route-access';
export type { RemoteKeySetOptions } from './keys/remote-key-set';
export type { JsonWebKeySet, KeyMap } from './keys/static-key-set';
export { type Algorithm, SUPPORTED_ALGORITHMS } from './keys/algorithms';
export { JWTCookieAuthenticationBackend } from './cookie/cookie-backend';
export type { JWTCookieAuthenticationBackendOptions } from './cookie/cookie-backend-options';
export type { TokenResponseBody } from './core/token-response';
export type { ExcludePattern } from './express/exclusions';
export {
  type ClaimsOrSubject,
  type CreateTokenOptions,
  JWTAuthenticationBackend,
  type LoginOptions,
} from './jwt/jwt-backend';
export type { JWTAuthenticationBackendOptions } from './jwt/jwt-backend-options';
export { JWTUser } from './jwt/jwt-user';
export type { KeyInput, SigningKeyInput } from './keys/key-objects';
export { type BaseUser, SimpleUser, UnauthenticatedUser } from './user';
export { type MiddlewareMetadata, middlewareMetadataOf } from './express/middleware-metadata';
export { OAuth2PasswordBearerBackend } from './oauth2/oauth2-backend';
export type { OAuth2PasswordBearerBackendOptions } from './oauth2/oauth2-backend-options';
export { OAuth2Error, type OAuth2ErrorBody, type OAuth2ErrorCode, type OAuth2ErrorOptions, type OAuth2ErrorReason } from './oauth2/oauth2-error';
export type { OAuth2TokenResponseBody } from './oauth2/oauth2-token-response';
export type { TokenEndpointHandler } from './oauth2/token-endpoint';
export type { ClientVerifier, CredentialsVerifier, TokenEndpointOptions, VerifiedCredentials } from './oauth2/token-endpoint-options';
export { type OpenApiBackend, openApiSecurity, type OpenApiSecurityOptions } from './openapi/open-api-security';
export { type OpenApiMethod, readRoutes, type RouteListing, type RouteRecord, type SkippedRoute } from './openapi/routes';
export { defaultSchemeName, type OpenApiSecurityProvider, securitySchemeOf } from './openapi/security-schemes';
