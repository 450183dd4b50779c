/**
 * Why a refresh was refused, finer than its code: for logs, metrics and tests.
 *
 * @example
 * ```ts
 * if (err instanceof RefreshTokenError && err.reason === 'reused') alerts.notify('a refresh token was replayed');
 * ```
 */
export type RefreshTokenErrorReason =
  | 'missing'
  | 'too_large'
  | 'malformed'
  | 'unknown'
  | 'expired'
  | 'revoked'
  | 'reused'
  | 'scope_not_granted'
  | 'unavailable';

/**
 * The RFC 6749 §5.2 code a refusal answers with (`temporarily_unavailable` when the store is away).
 *
 * @example
 * ```ts
 * const code: RefreshTokenErrorCode = 'invalid_grant';
 * ```
 */
export type RefreshTokenErrorCode = 'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'temporarily_unavailable';

interface ReasonInfo {
  readonly code: RefreshTokenErrorCode;
  readonly status: number;
  readonly message: string;
}

// Constant sentences: never the token, the family or the subject. Unknown, expired, revoked and
// reused tokens all answer invalid_grant (RFC 6749 §5.2); only `reason` tells them apart.
const REASONS: Readonly<Record<RefreshTokenErrorReason, ReasonInfo>> = {
  missing: { code: 'invalid_request', status: 400, message: 'The request carries no refresh token.' },
  too_large: { code: 'invalid_request', status: 400, message: 'The refresh token is longer than this server accepts.' },
  malformed: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  unknown: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  expired: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  revoked: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  reused: { code: 'invalid_grant', status: 400, message: 'The refresh token is invalid, expired or revoked.' },
  scope_not_granted: { code: 'invalid_scope', status: 400, message: 'The requested scope is wider than the scope granted at sign-in.' },
  unavailable: { code: 'temporarily_unavailable', status: 503, message: 'Refresh tokens cannot be checked right now; try again later.' },
};

/** Seconds a client should wait before retrying after `unavailable`. */
const RETRY_AFTER_SEC = 5;

/**
 * A refused refresh (`backend.refresh()`, the refresh route, the token endpoint's
 * `refresh_token` grant). `code` is the RFC 6749 §5.2 error, `reason` says why, `status` is the
 * HTTP status to answer with (400, or 503 when the store cannot be reached: a refresh fails
 * closed). Its message is constant and never contains the token.
 *
 * @example
 * ```ts
 * try {
 *   await backend.refresh(refreshToken);
 * } catch (err) {
 *   if (err instanceof RefreshTokenError) res.status(err.status).set(err.headers).json(err.body);
 *   else throw err;
 * }
 * ```
 */
export class RefreshTokenError extends Error {
  /** The RFC 6749 §5.2 error code. */
  readonly code: RefreshTokenErrorCode;
  /** The HTTP status to answer with. */
  readonly status: number;

  constructor(
    readonly reason: RefreshTokenErrorReason,
    options: { readonly cause?: unknown } = {},
  ) {
    const info = REASONS[reason];
    super(info.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RefreshTokenError';
    this.code = info.code;
    this.status = info.status;
  }

  /** The response headers: never cached (RFC 6749 §5.1), and `Retry-After` for a 503. */
  get headers(): Readonly<Record<string, string>> {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
    if (this.status === 503) headers['Retry-After'] = String(RETRY_AFTER_SEC);
    return headers;
  }

  /** The RFC 6749 §5.2 body: `{ error, error_description }`. */
  get body(): { readonly error: RefreshTokenErrorCode; readonly error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
