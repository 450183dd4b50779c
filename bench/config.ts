/**
 * What every process of the benchmark agrees on: the algorithms, scenarios and variants, the
 * claims every token carries, and the shape of the key directory the orchestrator writes once.
 */

/** The algorithms measured. `EdDSA` only where the peer supports it (jsonwebtoken does not). */
export const BENCH_ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const;
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number];

/**
 * The request shapes measured:
 * - `repeated`: one valid token on every request (what a client with a session sends);
 * - `fresh`: a different valid token on every request, so no cache can help;
 * - `bad-signature`: a well-formed token whose signature does not verify;
 * - `expired`: a correctly signed token whose `exp` has passed;
 * - `open`: no token, on a route that allows anonymous requests (independent of the algorithm).
 */
export const SCENARIOS = ['repeated', 'fresh', 'bad-signature', 'expired', 'open'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The status every response of a scenario must have, on every variant but bare Express. */
export const EXPECTED_STATUS: Readonly<Record<Scenario, number>> = {
  repeated: 200,
  fresh: 200,
  'bad-signature': 401,
  expired: 401,
  open: 200,
};

/**
 * The servers under test; `bare` is the floor, every ratio is taken against it. The two floors of
 * the project's design have its app shape but authenticate nothing: `floor-noop` runs a no-op
 * app-wide middleware and a no-op route guard, `floor-props` the same with a middleware that only
 * assigns constant objects to `req.user` and `req.auth`.
 */
export const VARIANT_IDS = ['bare', 'floor-noop', 'floor-props', 'express-jwt', 'passport-jwt', 'oauth2-bearer', 'project-cache-on', 'project-cache-off', 'project'] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

/** The floors of the project's design, measured in the project's block of every round. */
export const FLOOR_IDS: readonly VariantId[] = ['floor-noop', 'floor-props'];

/** Whether a variant authenticates nothing (bare Express and the floors): it answers 200 to every request. */
export function isBaseline(variant: VariantId): boolean {
  return variant === 'bare' || FLOOR_IDS.includes(variant);
}

/** The peers: other Express JWT middleware, configured like the project. */
export const PEER_IDS: readonly VariantId[] = ['express-jwt', 'passport-jwt', 'oauth2-bearer'];

export const ISSUER = 'https://issuer.bench.local/';
export const AUDIENCE = 'bench-api';
export const SUBJECT = 'bench-user';
/** The protected route: every authenticating variant refuses it without a valid token. */
export const PROTECTED_PATH = '/protected';
/** The open route: anonymous requests are allowed, a bad token is still refused. */
export const OPEN_PATH = '/open';

/** The files the orchestrator writes into the key directory (`BENCH_KEYS_DIR`). */
export const KEY_FILES = {
  /** The HMAC secret, a 43-character base64url string (32 random bytes), used as a string by every variant. */
  secret: 'hs256.secret',
  publicKey: (algorithm: Exclude<BenchAlgorithm, 'HS256'>): string => `${algorithm.toLowerCase()}.public.pem`,
  privateKey: (algorithm: Exclude<BenchAlgorithm, 'HS256'>): string => `${algorithm.toLowerCase()}.private.pem`,
  /** The fixed tokens of every algorithm (`FixedTokens`), as JSON. */
  tokens: 'tokens.json',
  /** One fresh valid token per line, for the `fresh` scenario. */
  pool: (algorithm: BenchAlgorithm): string => `pool-${algorithm}.txt`,
} as const;

/** The fixed tokens of one algorithm; the smoke check uses all of them, the timing only the first three. */
export interface FixedTokens {
  readonly valid: string;
  readonly badSignature: string;
  readonly expired: string;
  readonly wrongIssuer: string;
  readonly wrongAudience: string;
  /** Signed with another algorithm (an HMAC over the public key for asymmetric backends: algorithm confusion). */
  readonly wrongAlgorithm: string;
  /** `alg: none`, no signature. */
  readonly unsigned: string;
}

export type TokenFile = Readonly<Record<BenchAlgorithm, FixedTokens>>;

/** The arguments of `bench/server.ts`. */
export interface ServerArguments {
  readonly variant: VariantId;
  readonly algorithm: BenchAlgorithm;
  readonly keysDir: string;
}
