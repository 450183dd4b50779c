import { type Challenge, DEFAULT_CHALLENGE, formatChallenge } from './core/challenge';

/**
 * What went wrong, as a machine-readable code. `invalid_request`, `invalid_token` and
 * `insufficient_scope` are RFC 6750 §3.1 error codes; `not_authenticated` is the bare challenge
 * sent when a request carries no credentials at all; `cross_site_request` refuses a
 * cookie-authenticated request from another origin; `temporarily_unavailable` (RFC 6749's name)
 * says the keys to verify a token cannot be had right now; `insufficient_user_authentication`
 * (RFC 9470) asks for a stronger or more recent authentication.
 *
 * @example
 * ```ts
 * if (err.code === 'insufficient_scope') audit.log(err.scopes);
 * ```
 */
export type AuthenticationErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'not_authenticated'
  | 'cross_site_request'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'insufficient_user_authentication';

/**
 * Why an {@link InvalidRequestError} was raised.
 *
 * @example
 * ```ts
 * new InvalidRequestError('missing_token').reason; // 'missing_token'
 * ```
 */
export type InvalidRequestReason = 'missing_token' | 'malformed_header' | 'duplicate_header' | 'duplicate_cookie'
  | 'duplicate_token' | 'empty_token';

/**
 * Why an {@link InvalidTokenError} was raised.
 *
 * @example
 * ```ts
 * if (err.code === 'invalid_token' && err.reason === 'expired') res.set('X-Token-Expired', '1');
 * ```
 */
export type InvalidTokenReason =
  | 'malformed'
  | 'bad_signature'
  | 'algorithm_not_allowed'
  | 'expired'
  | 'not_yet_valid'
  | 'claim_mismatch'
  | 'missing_claim'
  | 'unknown_key'
  | 'unknown_user'
  | 'unsupported_extension'
  | 'too_large'
  | 'revoked'
  | 'binding_mismatch'
  | 'dpop_required';

/**
 * Options shared by every {@link AuthenticationError} constructor.
 *
 * @example
 * ```ts
 * new InvalidTokenError('revoked', { challenge: { scheme: 'Bearer', realm: 'shop' }, cause: lookupError });
 * ```
 */
export interface AuthenticationErrorOptions {
  /** The challenge written into `WWW-Authenticate`. Default: `Bearer realm="api"`. */
  readonly challenge?: Challenge;
  /** The underlying error, kept for logging; never rendered. */
  readonly cause?: unknown;
}

/**
 * Base class of every error that means "these credentials are not acceptable". The middleware
 * catches only this class (and its subclasses); everything else is the application's error.
 *
 * Each error knows how it renders over HTTP: `status`, `headers` (with an RFC 6750
 * `WWW-Authenticate` challenge) and a constant `message` that never contains the token, a
 * secret or an expected claim value.
 *
 * @example
 * ```ts
 * function onError(err: AnyAuthenticationError, req, res) {
 *   switch (err.code) {
 *     case 'invalid_token': log.info('rejected token', err.reason); break;
 *     case 'insufficient_scope': log.info('missing scopes', err.scopes); break;
 *   }
 *   res.status(err.status).set(err.headers).json({ error: err.code });
 * }
 * ```
 */
export abstract class AuthenticationError extends Error {
  /** The machine-readable error code. */
  abstract readonly code: AuthenticationErrorCode;
  /** The HTTP status this error renders with. */
  abstract readonly status: number;
  /** The challenge written into `WWW-Authenticate`. */
  readonly challenge: Challenge;

  protected constructor(message: string, options: AuthenticationErrorOptions = {}) {
    // These errors are expected answers to bad input, raised on the hot path of every rejected
    // request: capturing a stack trace would cost more than the rest of the rejection and tell
    // nothing (the cause, where there is one, keeps its own).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
    this.challenge = options.challenge ?? DEFAULT_CHALLENGE;
  }

  /** Response headers for this error: the `WWW-Authenticate` challenge. */
  get headers(): Readonly<Record<string, string>> {
    return { 'WWW-Authenticate': formatChallenge(this.challenge, this.challengeParams()) };
  }

  /** The auth-params of this error's challenge, after `realm`. */
  protected challengeParams(): Record<string, string | undefined> {
    return { error: this.code, error_description: this.message };
  }

  /**
   * The members this error adds to its problem-details body (`reason`, `claim`, `scope`).
   * Default: none.
   */
  problemExtensions(): Readonly<Record<string, string>> {
    return {};
  }
}

const REQUEST_MESSAGES: Readonly<Record<InvalidRequestReason, string>> = {
  missing_token: 'The Authorization header names the scheme but carries no token.',
  malformed_header: 'The Authorization header is not a single scheme followed by a single token.',
  duplicate_header: 'The request carries the credentials header more than once.',
  duplicate_cookie: 'The request carries the authentication cookie more than once.',
  duplicate_token: 'The request carries more than one access token.',
  empty_token: 'The request names an access token but carries none.',
};

/**
 * 400 `invalid_request`: the request is malformed (RFC 6750 §3.1), e.g. `Authorization: Bearer`
 * with no token, or with more than one.
 *
 * @example
 * ```ts
 * throw new InvalidRequestError('missing_token');
 * ```
 */
export class InvalidRequestError extends AuthenticationError {
  readonly code = 'invalid_request' as const;
  readonly status = 400;

  constructor(
    readonly reason: InvalidRequestReason,
    options?: AuthenticationErrorOptions,
  ) {
    super(REQUEST_MESSAGES[reason], options);
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return { reason: this.reason };
  }
}

const TOKEN_MESSAGES: Readonly<Record<InvalidTokenReason, string>> = {
  malformed: 'The access token is malformed.',
  bad_signature: 'The access token signature is invalid.',
  algorithm_not_allowed: 'The access token is signed with an algorithm that is not allowed.',
  expired: 'The access token has expired.',
  not_yet_valid: 'The access token is not valid yet.',
  claim_mismatch: 'The access token has a claim with an unexpected value.',
  missing_claim: 'The access token lacks a required claim.',
  unknown_key: 'The access token is signed with an unknown key.',
  unknown_user: 'The access token belongs to a user that no longer exists.',
  unsupported_extension: 'The access token requires a header extension this server does not support.',
  too_large: 'The access token is longer than this server accepts.',
  revoked: 'The access token has been revoked.',
  binding_mismatch: 'The access token is bound to another key or certificate than the request proves.',
  dpop_required: 'The access token must be presented with a DPoP proof.',
};

/**
 * Options of {@link InvalidTokenError}.
 *
 * @example
 * ```ts
 * new InvalidTokenError('missing_claim', { claim: 'exp' });
 * ```
 */
export interface InvalidTokenErrorOptions extends AuthenticationErrorOptions {
  /** The name (never the expected value) of the claim at fault, e.g. `aud`. Default: none. */
  readonly claim?: string;
}

/**
 * 401 `invalid_token`: the token is expired, revoked, malformed or invalid for other reasons
 * (RFC 6750 §3.1). `reason` says which.
 *
 * @example
 * ```ts
 * throw new InvalidTokenError('revoked');
 * throw new InvalidTokenError('claim_mismatch', { claim: 'aud' });
 * ```
 */
export class InvalidTokenError extends AuthenticationError {
  readonly code = 'invalid_token' as const;
  readonly status = 401;
  /** The claim at fault, for `claim_mismatch`, `missing_claim` and claim-typed `malformed`. */
  readonly claim: string | undefined;

  constructor(
    readonly reason: InvalidTokenReason,
    options: InvalidTokenErrorOptions = {},
  ) {
    super(TOKEN_MESSAGES[reason], options);
    this.claim = options.claim;
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return this.claim === undefined ? { reason: this.reason } : { reason: this.reason, claim: this.claim };
  }
}

/**
 * Options of {@link InsufficientScopeError}.
 *
 * @example
 * ```ts
 * new InsufficientScopeError(['admin'], { status: 404 });
 * ```
 */
export interface InsufficientScopeErrorOptions extends AuthenticationErrorOptions {
  /** The status to respond with. Default: `403` (RFC 6750 §3.1). Starlette's `status_code`. */
  readonly status?: number;
}

/**
 * 403 `insufficient_scope`: the token is valid but lacks scopes the route requires
 * (RFC 6750 §3.1). `scopes` are the required ones and go into the challenge's `scope`.
 *
 * @example
 * ```ts
 * throw new InsufficientScopeError(['admin']);
 * ```
 */
export class InsufficientScopeError extends AuthenticationError {
  readonly code = 'insufficient_scope' as const;
  readonly status: number;
  /** The scopes the route requires. */
  readonly scopes: readonly string[];

  constructor(scopes: readonly string[], options: InsufficientScopeErrorOptions = {}) {
    super('The access token lacks a scope this resource requires.', options);
    this.scopes = Object.freeze([...scopes]);
    const status = options.status ?? 403;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError('InsufficientScopeError: "status" must be an integer HTTP error status (400-599).');
    }
    this.status = status;
  }

  protected override challengeParams(): Record<string, string | undefined> {
    return { ...super.challengeParams(), ...this.problemExtensions() };
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return { scope: this.scopes.join(' ') };
  }
}

/**
 * 401 with a bare challenge: the route needs authentication and the request carries no
 * credentials. Per RFC 6750 §3.1 the challenge has no `error` attribute.
 *
 * @example
 * ```ts
 * throw new NotAuthenticatedError();
 * ```
 */
export class NotAuthenticatedError extends AuthenticationError {
  readonly code = 'not_authenticated' as const;
  readonly status = 401;

  constructor(options?: AuthenticationErrorOptions) {
    super('This resource requires authentication.', options);
  }

  protected override challengeParams(): Record<string, string | undefined> {
    return {};
  }
}

/**
 * 403 `cross_site_request`: a state-changing request (POST, PUT, PATCH, DELETE...) authenticated
 * by a cookie came from another origin, the shape of a cross-site request forgery. It carries no
 * `WWW-Authenticate` challenge: other credentials would not make the request acceptable.
 *
 * @example
 * ```ts
 * throw new CrossSiteRequestError();
 * ```
 */
export class CrossSiteRequestError extends AuthenticationError {
  readonly code = 'cross_site_request' as const;
  readonly status = 403;

  constructor(options?: AuthenticationErrorOptions) {
    super('A cookie-authenticated request that changes state must come from this site\'s own origin.', options);
  }

  override get headers(): Readonly<Record<string, string>> {
    return {};
  }
}

/**
 * Options of {@link KeySetUnavailableError}.
 *
 * @example
 * ```ts
 * new KeySetUnavailableError({ retryAfterSec: 30, cause: fetchError });
 * ```
 */
export interface KeySetUnavailableErrorOptions extends AuthenticationErrorOptions {
  /** Seconds until a retry may succeed, sent as `Retry-After`. Default: `30`. */
  readonly retryAfterSec?: number;
}

/**
 * 503 `temporarily_unavailable`: what the token needs checking against cannot be had right now.
 * Not a 401 (the token may well be valid). Carries `Retry-After` and no challenge. The base of
 * {@link KeySetUnavailableError} and {@link RevocationUnavailableError}.
 *
 * @example
 * ```ts
 * if (err instanceof TemporarilyUnavailableError) res.set('Retry-After', String(err.retryAfterSec));
 * ```
 */
export abstract class TemporarilyUnavailableError extends AuthenticationError {
  readonly code = 'temporarily_unavailable' as const;
  readonly status = 503;
  /** Seconds until a retry may succeed. */
  readonly retryAfterSec: number;

  protected constructor(message: string, defaultRetryAfterSec: number, options: KeySetUnavailableErrorOptions) {
    super(message, options);
    this.retryAfterSec = Math.max(1, Math.ceil(options.retryAfterSec ?? defaultRetryAfterSec));
  }

  override get headers(): Readonly<Record<string, string>> {
    return { 'Retry-After': String(this.retryAfterSec) };
  }
}

/**
 * 503 `temporarily_unavailable`: the keys to verify the token cannot be had right now (the
 * identity provider's key set is down, slow or answering garbage, and no fetched key fits).
 * Not a 401: the token may well be valid. Carries `Retry-After` and no challenge.
 *
 * @example
 * ```ts
 * throw new KeySetUnavailableError({ retryAfterSec: 10 });
 * ```
 */
export class KeySetUnavailableError extends TemporarilyUnavailableError {
  constructor(options: KeySetUnavailableErrorOptions = {}) {
    super('The keys to verify the access token are unavailable; try again later.', 30, options);
  }
}

/**
 * 503 `temporarily_unavailable`: whether the token has been revoked cannot be told right now.
 * The backend's local copy of the revocations (see the `store` option) has not been refreshed
 * from the store for longer than `revocation.maxStalenessMs`, or has not been loaded yet. Not a
 * 401 (the token may well be valid) and never a silent accept: revocation fails closed unless
 * `revocation.failOpen` is set. Carries `Retry-After` and no challenge.
 *
 * @example
 * ```ts
 * throw new RevocationUnavailableError({ retryAfterSec: 5 });
 * ```
 */
export class RevocationUnavailableError extends TemporarilyUnavailableError {
  constructor(options: KeySetUnavailableErrorOptions = {}) {
    super('Whether the access token has been revoked cannot be checked right now; try again later.', 5, options);
  }
}

/**
 * Why an {@link InsufficientClaimsError} or an {@link InsufficientUserAuthenticationError} was
 * raised: the claim is absent, its value does not satisfy the guard, or (step-up) the user
 * authenticated longer ago than the route allows.
 *
 * @example
 * ```ts
 * if (err instanceof InsufficientClaimsError && err.reason === 'missing_claim') log.info(err.claim);
 * ```
 */
export type ClaimRequirementReason = 'missing_claim' | 'claim_mismatch' | 'authentication_too_old';

/**
 * Options of {@link InsufficientClaimsError}.
 *
 * @example
 * ```ts
 * new InsufficientClaimsError('claim_mismatch', { claim: 'org_id', status: 404 });
 * ```
 */
export interface InsufficientClaimsErrorOptions extends InsufficientScopeErrorOptions {
  /** The name (never the expected value) of the claim at fault. Default: none (a `claimCheck` predicate). */
  readonly claim?: string;
}

/**
 * 403 `insufficient_scope` from a claim guard (`claimEquals`, `claimIncludes`, `claimCheck`): the
 * token is valid but its claims do not grant access to the route. RFC 6750 §3.1 has one code for
 * "the request requires higher privileges than provided by the access token", and this is it;
 * the body's `reason` and `claim` say which claim, never the value expected of it. The challenge
 * carries no `scope`: no scope would help. An `InsufficientScopeError`, so code that handles
 * `insufficient_scope` handles it too (its `scopes` is empty).
 *
 * @example
 * ```ts
 * throw new InsufficientClaimsError('claim_mismatch', { claim: 'org_id' });
 * ```
 */
export class InsufficientClaimsError extends InsufficientScopeError {
  /** Whether the claim is absent (`missing_claim`) or its value does not satisfy the guard (`claim_mismatch`). */
  readonly reason: Exclude<ClaimRequirementReason, 'authentication_too_old'>;
  /** The claim at fault; `undefined` for a `claimCheck` predicate. */
  readonly claim: string | undefined;

  constructor(reason: Exclude<ClaimRequirementReason, 'authentication_too_old'>, options: InsufficientClaimsErrorOptions = {}) {
    super([], options);
    this.message = 'The access token lacks a claim value this resource requires.';
    this.reason = reason;
    this.claim = options.claim;
  }

  protected override challengeParams(): Record<string, string | undefined> {
    return { error: this.code, error_description: this.message };
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return this.claim === undefined ? { reason: this.reason } : { reason: this.reason, claim: this.claim };
  }
}

/**
 * Options of {@link InsufficientUserAuthenticationError}.
 *
 * @example
 * ```ts
 * new InsufficientUserAuthenticationError('claim_mismatch', { claim: 'acr', acrValues: ['phr'] });
 * ```
 */
export interface InsufficientUserAuthenticationErrorOptions extends AuthenticationErrorOptions {
  /** The claim at fault: `acr` or `auth_time`. */
  readonly claim: 'acr' | 'auth_time';
  /** The acceptable authentication context classes, in order of preference, sent as `acr_values`. Default: none. */
  readonly acrValues?: readonly string[];
  /** The greatest age of the authentication, in seconds, sent as `max_age`. Default: none. */
  readonly maxAge?: number;
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 §3): the token is valid, but the user's
 * authentication behind it is not strong enough (`acr` is not one of the route's `acrValues`)
 * or not recent enough (`auth_time` is older than `maxAge` seconds). The challenge carries the
 * route's requirements as `acr_values` and `max_age`, which a client passes on to the
 * authorization server to have the user authenticate again; the problem+json body has them too.
 *
 * @example
 * ```ts
 * throw new InsufficientUserAuthenticationError('authentication_too_old', { claim: 'auth_time', maxAge: 300 });
 * ```
 */
export class InsufficientUserAuthenticationError extends AuthenticationError {
  readonly code = 'insufficient_user_authentication' as const;
  readonly status = 401;
  /** What is wrong with the claim. */
  readonly reason: ClaimRequirementReason;
  /** The claim at fault: `acr` or `auth_time`. */
  readonly claim: 'acr' | 'auth_time';
  /** The route's acceptable `acr` values, in order of preference; empty when it requires none. */
  readonly acrValues: readonly string[];
  /** The route's greatest authentication age, in seconds; `undefined` when it sets none. */
  readonly maxAge: number | undefined;

  constructor(reason: ClaimRequirementReason, options: InsufficientUserAuthenticationErrorOptions) {
    super('The user must authenticate again, with a stronger method or more recently, to use this resource.', options);
    this.reason = reason;
    this.claim = options.claim;
    this.acrValues = Object.freeze([...(options.acrValues ?? [])]);
    this.maxAge = options.maxAge;
  }

  protected override challengeParams(): Record<string, string | undefined> {
    return { ...super.challengeParams(), ...this.requirements() };
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return { reason: this.reason, claim: this.claim, ...this.requirements() };
  }

  /** RFC 9470 §3's challenge parameters: `acr_values` space-separated, `max_age` in seconds. */
  private requirements(): Record<string, string> {
    return {
      ...(this.acrValues.length === 0 ? {} : { acr_values: this.acrValues.join(' ') }),
      ...(this.maxAge === undefined ? {} : { max_age: String(this.maxAge) }),
    };
  }
}

/**
 * Every error class this library raises, as a union that `switch (err.code)` narrows.
 *
 * @example
 * ```ts
 * if (err.code === 'invalid_token') console.log(err.reason);
 * ```
 */
export type AnyAuthenticationError =
  | InvalidRequestError
  | InvalidTokenError
  | InsufficientScopeError
  | NotAuthenticatedError
  | CrossSiteRequestError
  | KeySetUnavailableError
  | RevocationUnavailableError
  | InvalidDpopProofError
  | UseDpopNonceError
  | ProofReplayUnavailableError
  | InsufficientClaimsError
  | InsufficientUserAuthenticationError;

/**
 * Why an {@link InvalidDpopProofError} was raised (RFC 9449 §4.3).
 *
 * @example
 * ```ts
 * if (err.code === 'invalid_dpop_proof' && err.reason === 'replayed') audit.alert('DPoP proof replayed');
 * ```
 */
export type InvalidDpopProofReason =
  | 'missing'
  | 'duplicate_header'
  | 'too_large'
  | 'malformed'
  | 'wrong_type'
  | 'algorithm_not_allowed'
  | 'bad_key'
  | 'private_key'
  | 'bad_signature'
  | 'missing_claim'
  | 'method_mismatch'
  | 'url_mismatch'
  | 'too_old'
  | 'issued_in_future'
  | 'hash_mismatch'
  | 'replayed';

const PROOF_MESSAGES: Readonly<Record<InvalidDpopProofReason, string>> = {
  missing: 'The request names the DPoP scheme but carries no DPoP proof.',
  duplicate_header: 'The request carries the DPoP header more than once.',
  too_large: 'The DPoP proof is longer than this server accepts.',
  malformed: 'The DPoP proof is malformed.',
  wrong_type: 'The DPoP proof is not typed dpop+jwt.',
  algorithm_not_allowed: 'The DPoP proof is signed with an algorithm that is not allowed.',
  bad_key: 'The DPoP proof does not carry a usable public key.',
  private_key: 'The DPoP proof carries a private key.',
  bad_signature: 'The DPoP proof signature is invalid.',
  missing_claim: 'The DPoP proof lacks a required claim.',
  method_mismatch: 'The DPoP proof was made for another HTTP method.',
  url_mismatch: 'The DPoP proof was made for another URL.',
  too_old: 'The DPoP proof was issued too long ago.',
  issued_in_future: 'The DPoP proof is issued in the future.',
  hash_mismatch: 'The DPoP proof was made for another access token.',
  replayed: 'The DPoP proof has been used before.',
};

/**
 * Options of {@link InvalidDpopProofError}.
 *
 * @example
 * ```ts
 * new InvalidDpopProofError('missing_claim', { claim: 'htu' });
 * ```
 */
export interface InvalidDpopProofErrorOptions extends AuthenticationErrorOptions {
  /** The name (never the expected value) of the proof claim at fault, e.g. `htu`. Default: none. */
  readonly claim?: string;
}

/**
 * 401 `invalid_dpop_proof`: the request's DPoP proof is missing, malformed, made for another
 * request or key, stale, or replayed (RFC 9449 §7.1). `reason` says which.
 *
 * @example
 * ```ts
 * throw new InvalidDpopProofError('replayed');
 * ```
 */
export class InvalidDpopProofError extends AuthenticationError {
  readonly code = 'invalid_dpop_proof' as const;
  readonly status = 401;
  /** The proof claim at fault, for `missing_claim` and claim-typed `malformed`. */
  readonly claim: string | undefined;

  constructor(
    readonly reason: InvalidDpopProofReason,
    options: InvalidDpopProofErrorOptions = {},
  ) {
    super(PROOF_MESSAGES[reason], options);
    this.claim = options.claim;
  }

  override problemExtensions(): Readonly<Record<string, string>> {
    return this.claim === undefined ? { reason: this.reason } : { reason: this.reason, claim: this.claim };
  }
}

/**
 * 401 `use_dpop_nonce`: the server wants a fresh nonce of its own in the DPoP proof (RFC 9449
 * §9). The response carries the nonce to use in a `DPoP-Nonce` header; the client retries with it.
 *
 * @example
 * ```ts
 * throw new UseDpopNonceError(nonces.issue());
 * ```
 */
export class UseDpopNonceError extends AuthenticationError {
  readonly code = 'use_dpop_nonce' as const;
  readonly status = 401;

  constructor(
    /** The nonce the client must put in its next proof. */
    readonly nonce: string,
    options?: AuthenticationErrorOptions,
  ) {
    super('The DPoP proof must carry the nonce this server provides.', options);
  }

  override get headers(): Readonly<Record<string, string>> {
    return { ...super.headers, 'DPoP-Nonce': this.nonce };
  }
}

/**
 * 503 `temporarily_unavailable`: whether the DPoP proof has been used before cannot be checked,
 * because the `store` cannot be reached. Never a silent accept: replay detection fails closed.
 *
 * @example
 * ```ts
 * throw new ProofReplayUnavailableError({ cause: storeError });
 * ```
 */
export class ProofReplayUnavailableError extends TemporarilyUnavailableError {
  constructor(options: KeySetUnavailableErrorOptions = {}) {
    super('Whether the DPoP proof has been used before cannot be checked right now; try again later.', 5, options);
  }
}
