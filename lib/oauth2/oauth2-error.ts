import type { ServerResponse } from 'node:http';
import { formatChallenge } from '../core/challenge';

/**
 * The RFC 6749 §5.2 error codes the token endpoint answers with.
 *
 * @example
 * ```ts
 * if (err instanceof OAuth2Error && err.code === 'invalid_grant') metrics.increment('login.failed');
 * ```
 */
export type OAuth2ErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable';

/**
 * Why an {@link OAuth2Error} was raised: finer than its code, for logs and tests.
 *
 * @example
 * ```ts
 * new OAuth2Error('repeated_parameter', { parameter: 'scope' }).reason; // 'repeated_parameter'
 * ```
 */
export type OAuth2ErrorReason =
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'body_too_large'
  | 'malformed_body'
  | 'repeated_parameter'
  | 'missing_parameter'
  | 'invalid_parameter'
  | 'multiple_client_authentication'
  | 'client_authentication_failed'
  | 'unsupported_grant_type'
  | 'bad_credentials'
  | 'malformed_scope'
  | 'scope_not_allowed'
  | 'refresh_token_invalid'
  | 'refresh_token_too_large'
  | 'scope_not_granted'
  | 'store_unavailable';

interface ReasonInfo {
  readonly code: OAuth2ErrorCode;
  readonly status: number;
  readonly message: string;
}

// Each reason's code, status and constant message. RFC 6749 §5.2 answers 400 except for
// invalid_client (401); a wrong method and a body past the limit get the HTTP statuses that say
// exactly that (405, 413), still with an RFC 6749 body.
const REASONS: Readonly<Record<OAuth2ErrorReason, ReasonInfo>> = {
  method_not_allowed: { code: 'invalid_request', status: 405, message: 'The token endpoint accepts only POST requests.' },
  unsupported_media_type: {
    code: 'invalid_request',
    status: 400,
    message: 'The request body must be application/x-www-form-urlencoded (or application/json), in UTF-8.',
  },
  body_too_large: { code: 'invalid_request', status: 413, message: 'The request body is too large.' },
  malformed_body: { code: 'invalid_request', status: 400, message: 'The request body cannot be parsed.' },
  repeated_parameter: { code: 'invalid_request', status: 400, message: 'A parameter is included more than once.' },
  missing_parameter: { code: 'invalid_request', status: 400, message: 'A required parameter is missing.' },
  invalid_parameter: { code: 'invalid_request', status: 400, message: 'A parameter is not a single text value.' },
  multiple_client_authentication: {
    code: 'invalid_request',
    status: 400,
    message: 'The client authenticates with more than one method.',
  },
  client_authentication_failed: { code: 'invalid_client', status: 401, message: 'Client authentication failed.' },
  unsupported_grant_type: {
    code: 'unsupported_grant_type',
    status: 400,
    message: 'The grant type is not supported by this endpoint; use "password".',
  },
  bad_credentials: { code: 'invalid_grant', status: 400, message: 'The username or password is incorrect.' },
  malformed_scope: { code: 'invalid_scope', status: 400, message: 'The scope is not a space-delimited list of scope names.' },
  scope_not_allowed: { code: 'invalid_scope', status: 400, message: 'None of the requested scopes can be granted to this user.' },
  refresh_token_invalid: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  refresh_token_too_large: { code: 'invalid_request', status: 400, message: 'The refresh token is longer than this server accepts.' },
  scope_not_granted: { code: 'invalid_scope', status: 400, message: 'The requested scope is wider than the scope granted at sign-in.' },
  // Refresh tokens live in the store: without it none can be checked or recorded (fail closed).
  store_unavailable: { code: 'temporarily_unavailable', status: 503, message: 'Tokens cannot be issued right now; try again later.' },
};

/**
 * Options of {@link OAuth2Error}.
 *
 * @example
 * ```ts
 * new OAuth2Error('client_authentication_failed', { realm: 'shop' });
 * ```
 */
export interface OAuth2ErrorOptions {
  /** The request parameter at fault (its name, never its value). Default: none. */
  readonly parameter?: string;
  /** The `realm` of the `WWW-Authenticate: Basic` challenge an `invalid_client` error carries. Default: `'api'`. */
  readonly realm?: string;
}

/**
 * The JSON body of a token endpoint error (RFC 6749 §5.2).
 *
 * @example
 * ```ts
 * const body: OAuth2ErrorBody = { error: 'invalid_grant', error_description: 'The username or password is incorrect.' };
 * ```
 */
export interface OAuth2ErrorBody {
  readonly error: OAuth2ErrorCode;
  readonly error_description: string;
}

/**
 * A refusal of the token endpoint (RFC 6749 §5.2). It is not an `AuthenticationError`: it
 * answers a request for a token, not a request that carries one, and it is rendered by the
 * token endpoint itself. Its message is constant and never contains a username, a password, a
 * scope or a grant type the client sent.
 *
 * @example
 * ```ts
 * const err = new OAuth2Error('missing_parameter', { parameter: 'username' });
 * err.code;   // 'invalid_request'
 * err.status; // 400
 * err.body;   // { error: 'invalid_request', error_description: 'A required parameter is missing: "username".' }
 * ```
 */
export class OAuth2Error extends Error {
  /** The RFC 6749 error code. */
  readonly code: OAuth2ErrorCode;
  /** The HTTP status this error renders with. */
  readonly status: number;
  /** The request parameter at fault, when there is one. */
  readonly parameter: string | undefined;
  private readonly realm: string;

  constructor(
    readonly reason: OAuth2ErrorReason,
    options: OAuth2ErrorOptions = {},
  ) {
    const info = REASONS[reason];
    super(info.message);
    this.name = 'OAuth2Error';
    this.code = info.code;
    this.status = info.status;
    this.parameter = options.parameter;
    this.realm = options.realm ?? 'api';
  }

  /**
   * The response headers: never cached (RFC 6749 §5.1), `Allow: POST` for a wrong method,
   * `WWW-Authenticate: Basic` for `invalid_client` (§5.2), `Connection: close` for a body past
   * the limit (the rest of it is not read).
   */
  get headers(): Readonly<Record<string, string>> {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (this.reason === 'method_not_allowed') headers.Allow = 'POST';
    if (this.reason === 'body_too_large') headers.Connection = 'close';
    if (this.reason === 'store_unavailable') headers['Retry-After'] = '5';
    if (this.code === 'invalid_client') headers['WWW-Authenticate'] = formatChallenge({ scheme: 'Basic', realm: this.realm });
    return headers;
  }

  /** The JSON body: `{ error, error_description }`. */
  get body(): OAuth2ErrorBody {
    const description = this.parameter === undefined ? this.message : `${this.message.slice(0, -1)}: "${this.parameter}".`;
    return { error: this.code, error_description: description };
  }
}

/**
 * Answers a token request with an {@link OAuth2Error}: its status, headers and JSON body.
 * Works with Node's `ServerResponse`, and so with Express's `res`.
 *
 * @example
 * ```ts
 * sendOAuth2Error(res, new OAuth2Error('unsupported_grant_type'));
 * ```
 */
export function sendOAuth2Error(res: ServerResponse, err: OAuth2Error): void {
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(err.body));
}
