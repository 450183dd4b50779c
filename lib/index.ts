/**
 * express-jwt-auth: the middleware, the guards, the JWT backend, users, credentials and errors.
 * OAuth2, OpenAPI and passport sessions have their own entry points (express-jwt-auth/oauth2,
 * /openapi, /passport).
 *
 * @module express-jwt-auth
 */
import './express/augment';

export type { AuthenticationBackend, AuthResult } from './backend';
export type { TokenCookieOptions } from './cookie/cookie-options';
export type { Challenge } from './core/challenge';
export type { TokenResponseBody } from './core/token-response';
export { AuthCredentials, type TokenPayload } from './credentials';
export {
  type AnyAuthenticationError,
  AuthenticationError,
  type AuthenticationErrorCode,
  type ClaimRequirementReason,
  CrossSiteRequestError,
  InsufficientClaimsError,
  type InsufficientClaimsErrorOptions,
  InsufficientScopeError,
  InvalidDpopProofError,
  type InvalidDpopProofErrorOptions,
  type InvalidDpopProofReason,
  InsufficientUserAuthenticationError,
  type InsufficientUserAuthenticationErrorOptions,
  InvalidRequestError,
  type InvalidRequestReason,
  InvalidTokenError,
  type InvalidTokenReason,
  KeySetUnavailableError,
  NotAuthenticatedError,
  ProofReplayUnavailableError,
  RevocationUnavailableError,
  TemporarilyUnavailableError,
  UseDpopNonceError,
} from './errors';
export type { AuthenticatedRequest, GuardedHandler, IdentifiedRequest } from './express/authenticated-request';
export { claimCheck, claimEquals, claimIncludes, type ClaimPredicate } from './express/claim-guards';
export type { ExcludePattern } from './express/exclusions';
export { anonymousAllowed, authenticated, type AuthenticatedOptions, requires, type RequiresOptions } from './express/guards';
export { type JwksHandlerOptions, jwksHandler } from './express/jwks-handler';
export { authenticationMiddleware, type AuthenticationMiddlewareOptions } from './express/middleware';
export { type AuthenticationErrorHandler, renderAuthenticationError } from './express/render-error';
export { sameOriginOnly, type SameOriginOnlyOptions } from './express/same-origin-only';
export { DEFAULT_DPOP_ALGORITHMS, type DpopAlgorithm, type DpopMode, type DpopNonceOptions, type DpopOptions, type MtlsOptions } from './jwt/dpop/dpop-options';
export { type ClaimsOrSubject, type CreateTokenOptions, JWTAuthenticationBackend, type LoginOptions } from './jwt/jwt-backend';
export type { JWTAuthenticationBackendOptions } from './jwt/jwt-backend-options';
export type { ClaimValue } from './jwt/claim-rules';
export { JWTUser } from './jwt/jwt-user';
export type { RevokeOptions } from './jwt/revocation';
export type { RevocationOptions } from './jwt/revocation-options';
export type { KeyResolutionOptions, KeyResolverFunction, ResolvedKey } from './jwt/issuers/key-resolver-options';
export { KeyResolverTimeoutError } from './jwt/issuers/resolved-keys';
export type { TrustedIssuer } from './jwt/issuers/trusted-issuer';
export type { Algorithm } from './keys/algorithms';
export type { DiscoveryDocument } from './keys/discovery';
export type { KeyInput, SigningKeyInput } from './keys/key-objects';
export type { ConfigurationFaultMessage, KeySetMessage } from './keys/key-set-events';
export { type KeySetFetchErrorDetails, KeySetFetchError, type KeySetFetchFailure } from './keys/key-set-fetch-error';
export type { RemoteKeySetOptions } from './keys/remote-key-set';
export type { JsonWebKeySet, KeyMap } from './keys/static-key-set';
export { type ChannelName, CHANNELS } from './observability/channels';
export type { AuthLogger } from './observability/logger';
export type {
  AuthenticateMessage,
  AuthenticationOutcome,
  GuardRefusalMessage,
  RefreshReuseMessage,
  RevocationMessage,
  ThrottleMessage,
  TokenCacheMessage,
} from './observability/messages';
export { publishRefreshReuse } from './observability/refresh-reuse';
export { memoryStore, type MemoryStoreOptions } from './store/memory-store';
export { refreshHandler } from './express/refresh-handler';
export { RefreshTokenError, type RefreshTokenErrorCode, type RefreshTokenErrorReason } from './refresh/refresh-error';
export type { RefreshCookieOptions, RefreshTokenOptions } from './refresh/refresh-options';
export type { LogoutOptions, RefreshOptions } from './refresh/refresh-side';
export type { TokenPair } from './refresh/token-pair';
export type { FeedListener, Store, Subscription } from './store/store';
export { FailureThrottle, failureThrottle, type ThrottleSubject } from './throttle/failure-throttle';
export type { FailureThrottleOptions } from './throttle/failure-throttle-options';
export { ThrottledError } from './throttle/throttled-error';
export { type BaseUser, SimpleUser, UnauthenticatedUser } from './user';
