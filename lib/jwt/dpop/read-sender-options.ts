import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Challenge } from '../../core/challenge';
import { HTTP_TOKEN } from '../../core/grammar';
import { checkNumber, rejectUnknownOptions } from '../../core/options';
import type { Store } from '../../store/store';
import { DEFAULT_DPOP_ALGORITHMS, type DpopAlgorithm, type DpopMode, type DpopOptions, type MtlsOptions, type SenderConstraintInput } from './dpop-options';

/** A backend's checks of sender-constrained tokens (DPoP and mTLS), read once. */
export interface SenderConstraintSettings {
  /** `undefined` without the `dpop` option: only `Bearer` tokens are read, and `cnf.jkt` ones refused. */
  readonly mode: DpopMode | undefined;
  readonly algorithms: readonly DpopAlgorithm[];
  /** In seconds. */
  readonly maxAge: number;
  /** In seconds. */
  readonly clockTolerance: number;
  /** The public origin, e.g. `https://api.example.com`; `undefined` to rebuild it from the request. */
  readonly publicOrigin: string | undefined;
  /** The path prefix of `publicBaseUrl`, without a trailing slash (`''` for none). */
  readonly publicPathPrefix: string;
  readonly nonceSecret: KeyObject | undefined;
  /** In seconds. */
  readonly nonceLifetime: number;
  readonly maxProofLength: number;
  readonly storeTimeoutMs: number;
  /** Where proofs' `jti`s are reserved; set whenever `mode` is. */
  readonly store: Store | undefined;
  /** The header a trusted proxy passes the client certificate in, lower-cased; `undefined` for none. */
  readonly certificateHeader: string | undefined;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** The challenge of `Bearer` requests and of the guards' 401s (`Bearer` and `DPoP`, or `DPoP` alone). */
  readonly challenge: Challenge;
  /** The challenge of requests that use the `DPoP` scheme. */
  readonly dpopChallenge: Challenge;
}

/** What {@link readSenderConstraintOptions} needs from the rest of the backend's settings. */
export interface SenderConstraintContext {
  /** The backend's own challenge (`Bearer realm="api"`). */
  readonly challenge: Challenge;
  readonly clock: () => number;
  /** The credentials header, lower-cased; `undefined` with `header: false`. */
  readonly headerName: string | undefined;
  readonly cookie: boolean;
}

const MIN_NONCE_SECRET_BYTES = 32;

function readMode(owner: string, value: unknown): DpopMode | undefined {
  if (value === undefined || value === 'allowed' || value === 'required') return value;
  throw new TypeError(`${owner}: "dpop" must be 'allowed' (DPoP and Bearer tokens) or 'required' (DPoP tokens only).`);
}

function readAlgorithms(where: string, value: unknown): readonly DpopAlgorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS;
  const known: readonly string[] = DEFAULT_DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0 || !value.every((name) => typeof name === 'string' && known.includes(name))) {
    throw new TypeError(`${where}: "algorithms" must be a non-empty array of asymmetric algorithms (${known.join(', ')}); a DPoP proof is never signed with a shared secret.`);
  }
  return Object.freeze([...new Set(value as DpopAlgorithm[])]);
}

function readPublicBaseUrl(where: string, value: unknown): { origin: string | undefined; prefix: string } {
  if (value === undefined) return { origin: undefined, prefix: '' };
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`${where}: "publicBaseUrl" must be an absolute http(s) URL without query or fragment, e.g. 'https://api.example.com'.`);
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

function readNonce(where: string, value: unknown): { secret: KeyObject | undefined; lifetime: number } {
  if (value === undefined) return { secret: undefined, lifetime: 0 };
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: "nonce" must be an object, e.g. { secret: process.env.DPOP_NONCE_SECRET }.`);
  const given = value as DpopNonceShape;
  rejectUnknownOptions(`${where}.nonce`, given, ['secret', 'lifetime']);
  const bytes = typeof given.secret === 'string' ? Buffer.from(given.secret, 'utf8') : given.secret;
  if (!Buffer.isBuffer(bytes) || bytes.length < MIN_NONCE_SECRET_BYTES) {
    throw new TypeError(`${where}: "nonce.secret" must be a string or Buffer of at least ${MIN_NONCE_SECRET_BYTES} bytes, the same on every instance.`);
  }
  checkNumber(`${where}.nonce`, 'lifetime', given.lifetime, 1);
  return { secret: createSecretKey(Buffer.from(bytes)), lifetime: Math.ceil(given.lifetime ?? 300) };
}

interface DpopNonceShape {
  readonly secret?: unknown;
  readonly lifetime?: number;
}

function readCertificateHeader(owner: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new TypeError(`${owner}: "mtls" must be an object, e.g. { certificateHeader: 'client-cert' }.`);
  rejectUnknownOptions(`${owner}: mtls`, value, ['certificateHeader']);
  const { certificateHeader } = value as MtlsOptions;
  if (certificateHeader === undefined) return undefined;
  if (typeof certificateHeader !== 'string' || !HTTP_TOKEN.test(certificateHeader)) {
    throw new TypeError(`${owner}: "mtls.certificateHeader" must be a header name, e.g. 'client-cert'.`);
  }
  return certificateHeader.toLowerCase();
}

function buildChallenges(mode: DpopMode | undefined, base: Challenge, algorithms: readonly DpopAlgorithm[]): { challenge: Challenge; dpopChallenge: Challenge } {
  if (mode === undefined) return { challenge: base, dpopChallenge: base };
  // RFC 9449 §7.1: the DPoP challenge lists the proof algorithms the server accepts.
  // The base's own params (RFC 9728's `resource_metadata`) belong to every scheme's challenge.
  const dpop: Challenge = Object.freeze({ scheme: 'DPoP', realm: base.realm, params: Object.freeze({ ...base.params, algs: algorithms.join(' ') }) });
  if (mode === 'required') return { challenge: dpop, dpopChallenge: dpop };
  // RFC 9449 §7.2: a server that takes both schemes names both.
  return {
    challenge: Object.freeze({ ...base, alternatives: Object.freeze([dpop]) }),
    dpopChallenge: Object.freeze({ ...dpop, alternatives: Object.freeze([base]) }),
  };
}

/**
 * Reads the `dpop`, `dpopOptions` and `mtls` options of a JWT backend. Every mistake is a
 * `TypeError` naming `owner` and the option; the options are not mutated.
 *
 * @example
 * ```ts
 * const binding = readSenderConstraintOptions(owner, options, { challenge, clock, headerName, cookie: false });
 * ```
 */
export function readSenderConstraintOptions(owner: string, input: SenderConstraintInput, context: SenderConstraintContext): SenderConstraintSettings {
  const mode = readMode(owner, input.dpop);
  const where = `${owner}: dpopOptions`;
  if (mode === undefined && input.dpopOptions !== undefined) throw new TypeError(`${owner}: "dpopOptions" needs "dpop" ('allowed' or 'required').`);
  if (input.dpopOptions !== undefined && (typeof input.dpopOptions !== 'object' || input.dpopOptions === null)) {
    throw new TypeError(`${where} must be an options object, e.g. { maxAge: 60 }.`);
  }
  const given = (input.dpopOptions ?? {}) as DpopOptions;
  rejectUnknownOptions(where, given, ['algorithms', 'maxAge', 'clockTolerance', 'publicBaseUrl', 'nonce', 'maxProofLength', 'storeTimeoutMs']);
  if (mode !== undefined) {
    // Replay detection is not optional: without a shared record of used proofs, a proof caught
    // in transit could be replayed for as long as its `iat` window lasts.
    if (input.store === undefined) throw new TypeError(`${owner}: "dpop" needs "store" to refuse replayed proofs: memoryStore() for one process, redisStore({ client }) for several.`);
    if (context.headerName !== 'authorization') throw new TypeError(`${owner}: "dpop" reads the Authorization header (RFC 9449 §7.1); leave "header" at its default.`);
    if (mode === 'required' && context.cookie) throw new TypeError(`${owner}: dpop: 'required' refuses every cookie token (a cookie carries no proof); drop "cookie" or use dpop: 'allowed'.`);
  }
  checkNumber(where, 'maxAge', given.maxAge, 1);
  checkNumber(where, 'clockTolerance', given.clockTolerance, 0);
  checkNumber(where, 'maxProofLength', given.maxProofLength, 256);
  checkNumber(where, 'storeTimeoutMs', given.storeTimeoutMs, 1);
  const algorithms = readAlgorithms(where, given.algorithms);
  const base = readPublicBaseUrl(where, given.publicBaseUrl);
  const nonce = readNonce(where, given.nonce);
  return {
    mode,
    algorithms,
    maxAge: given.maxAge ?? 60,
    clockTolerance: given.clockTolerance ?? 5,
    publicOrigin: base.origin,
    publicPathPrefix: base.prefix,
    nonceSecret: nonce.secret,
    nonceLifetime: nonce.lifetime,
    maxProofLength: given.maxProofLength ?? 4096,
    storeTimeoutMs: Math.ceil(given.storeTimeoutMs ?? 2000),
    store: input.store,
    certificateHeader: readCertificateHeader(owner, input.mtls),
    clock: context.clock,
    ...buildChallenges(mode, context.challenge, algorithms),
  };
}
