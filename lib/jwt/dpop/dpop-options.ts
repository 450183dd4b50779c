import type { Store } from '../../store/store';

/**
 * How a backend takes DPoP-bound tokens (RFC 9449): `'allowed'` accepts `DPoP` and `Bearer`
 * tokens alike (a token bound to a key, with `cnf.jkt`, only as `DPoP`); `'required'` refuses
 * every token that is not presented with a DPoP proof.
 *
 * @example
 * ```ts
 * const mode: DpopMode = 'required';
 * ```
 */
export type DpopMode = 'allowed' | 'required';

/**
 * The algorithms a DPoP proof may be signed with by default: asymmetric only (RFC 9449 §4.2).
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({ secretKey, store, dpop: 'allowed', dpopOptions: { algorithms: ['ES256'] } });
 * ```
 */
export const DEFAULT_DPOP_ALGORITHMS = Object.freeze(['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'] as const);

/**
 * One of {@link DEFAULT_DPOP_ALGORITHMS}: an asymmetric JWS algorithm a DPoP proof may use.
 *
 * @example
 * ```ts
 * const algorithms: DpopAlgorithm[] = ['ES256', 'EdDSA'];
 * ```
 */
export type DpopAlgorithm = (typeof DEFAULT_DPOP_ALGORITHMS)[number];

/**
 * Server-provided nonces (RFC 9449 §9): stateless, an HMAC of a time window under `secret`, so
 * that every instance given the same secret checks the nonces of every other.
 *
 * @example
 * ```ts
 * const nonce: DpopNonceOptions = { secret: process.env.DPOP_NONCE_SECRET!, lifetime: 300 };
 * ```
 */
export interface DpopNonceOptions {
  /** The HMAC key, at least 32 bytes (a string is taken as UTF-8). Share it between instances. */
  readonly secret: string | Buffer;
  /**
   * How long a nonce is handed out, in seconds; it is accepted for up to twice as long (its own
   * window and the next), so a client is not refused at a window's edge. Default: `300`.
   */
  readonly lifetime?: number;
}

/**
 * Settings of a backend's DPoP checks (the `dpopOptions` option).
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({
 *   jwksUri: 'https://auth.example.com/.well-known/jwks.json',
 *   store: memoryStore(),
 *   dpop: 'required',
 *   dpopOptions: { publicBaseUrl: 'https://api.example.com', maxAge: 60 },
 * });
 * ```
 */
export interface DpopOptions {
  /** The algorithms a proof may use, asymmetric only. Default: {@link DEFAULT_DPOP_ALGORITHMS}. */
  readonly algorithms?: readonly DpopAlgorithm[];
  /**
   * How long after its `iat` a proof is accepted, in seconds; also how long its `jti` is kept
   * in the `store` to refuse a replay. Default: `60`.
   */
  readonly maxAge?: number;
  /** Leeway for a proof's `iat` in both directions (clock skew), in seconds. Default: `5`. */
  readonly clockTolerance?: number;
  /**
   * The public origin (and optional path prefix) clients call, e.g. `https://api.example.com`,
   * to match the proof's `htu` against behind a proxy or load balancer. Without it the URL is
   * rebuilt from the connection (`https` when TLS ends in Node) and the `Host` header, which
   * the client chooses: set it in production. Default: none.
   */
  readonly publicBaseUrl?: string;
  /** Require server-provided nonces in proofs (`use_dpop_nonce`). Default: no nonces. */
  readonly nonce?: DpopNonceOptions;
  /** The longest proof accepted, in characters, checked before any decoding. Default: `4096`. */
  readonly maxProofLength?: number;
  /**
   * How long, in milliseconds, the replay check waits for the `store` before the request is
   * answered 503 `temporarily_unavailable` (`ProofReplayUnavailableError`, never an accept):
   * a Redis client queues commands while disconnected, and would otherwise hold every DPoP
   * request until Redis is back. Default: `2000`.
   */
  readonly storeTimeoutMs?: number;
}

/**
 * Where the certificate of an mTLS-bound token (RFC 8705, `cnf.x5t#S256`) may come from besides
 * the TLS connection itself (the `mtls` option).
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({ secretKey, mtls: { certificateHeader: 'client-cert' } });
 * ```
 */
export interface MtlsOptions {
  /**
   * A request header in which a TLS-terminating proxy passes the client certificate it
   * verified: RFC 9440 `Client-Cert` (`:base64 DER:`), base64 DER, or URL-encoded PEM (nginx
   * `$ssl_client_escaped_cert`). Only when every request goes through that proxy and the proxy
   * overwrites the header: a client reaching Node directly could otherwise write it itself.
   * Used only when the connection has no client certificate. Default: none (connection only).
   */
  readonly certificateHeader?: string;
}

/** What the sender-constraint checks need from the rest of the backend's options. */
export interface SenderConstraintInput {
  readonly dpop?: unknown;
  readonly dpopOptions?: unknown;
  readonly mtls?: unknown;
  readonly store?: Store;
}
