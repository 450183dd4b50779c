import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Challenge } from '../../core/challenge';
import { isThenable } from '../../core/thenable';
import type { TokenPayload } from '../../credentials';
import { InvalidDpopProofError, InvalidRequestError, InvalidTokenError, ProofReplayUnavailableError, UseDpopNonceError } from '../../errors';
import type { Store } from '../../store/store';
import { clientCertificateThumbprint } from './certificate-binding';
import { DpopTokenSource } from './dpop-token-source';
import { DpopNonces } from './nonce';
import { TokenCache } from '../token-cache';
import { type ProofKey, verifyDpopProof } from './proof';
import type { SenderConstraintSettings } from './read-sender-options';
import { requestHtu } from './request-url';

/** The prefix of the keys under which used proofs are reserved in the store. */
export const DPOP_JTI_KEY_PREFIX = 'dpop:jti:';

const DPOP_SCHEME = /^\s*dpop(\s|$)/i;
/** How many clients' proof keys are kept imported (a few hundred bytes each). */
const REMEMBERED_PROOF_KEYS = 1000;

/** The one `DPoP` header of a request (RFC 9449 §4.3 (1)): none or several are refused. */
function readProofHeader(req: IncomingMessage, challenge: Challenge): string {
  let seen = 0;
  const raw = req.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index].length === 4 && raw[index].toLowerCase() === 'dpop' && ++seen > 1) {
      throw new InvalidDpopProofError('duplicate_header', { challenge });
    }
  }
  const value = req.headers.dpop;
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidDpopProofError('missing', { challenge });
  return value.trim();
}

/** `promise`, or a rejection once `timeoutMs` have passed without its answer. */
function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the store did not answer within ${timeoutMs} ms`)), timeoutMs);
    // A pending replay check must not keep the process alive on its own.
    timer.unref();
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); reject(err); },
    );
  });
}

/**
 * The proof-of-possession checks of a JWT backend, run on every authenticated request after the
 * token's signature and claims (cache hits too): a token bound to a key (`cnf.jkt`, RFC 9449)
 * must come with the `DPoP` scheme and a fresh proof signed by that key, whose `jti` is then
 * reserved in the store so that no instance sharing it accepts the proof again; a token bound
 * to a certificate (`cnf.x5t#S256`, RFC 8705) must come over a connection presenting that
 * client certificate. With `dpop: 'required'` every token must come with a proof.
 *
 * @example
 * ```ts
 * const binding = new SenderConstraint(settings, backendChallenge);
 * await binding.check(req, token, payload, true);
 * ```
 */
export class SenderConstraint {
  /** The challenge of the guards' 401s and of `Bearer` requests' errors. */
  readonly challenge: Challenge;
  /** Reads `Authorization: DPoP <token>`; `undefined` without the `dpop` option. */
  readonly source: DpopTokenSource | undefined;
  private readonly nonces: DpopNonces | undefined;
  private readonly store: Store | undefined;
  private readonly keys = new TokenCache<ProofKey>(REMEMBERED_PROOF_KEYS);

  /**
   * @param settings - The backend's `dpop`, `dpopOptions` and `mtls` options, read.
   * @param baseChallenge - The challenge the backend's verifier and token sources raise errors with.
   */
  constructor(
    private readonly settings: SenderConstraintSettings,
    private readonly baseChallenge: Challenge,
  ) {
    this.challenge = settings.challenge;
    this.source = settings.mode === undefined ? undefined : new DpopTokenSource(settings.dpopChallenge);
    this.nonces = settings.nonceSecret === undefined ? undefined : new DpopNonces(settings.nonceSecret, settings.nonceLifetime, settings.clock);
    this.store = settings.store;
  }

  /**
   * Checks that the request proves possession of what `payload`'s `cnf` binds the token to.
   * `viaDpop` tells whether the token came with the `DPoP` scheme. Throws (or rejects with)
   * `InvalidTokenError`, `InvalidDpopProofError`, `UseDpopNonceError`, or
   * `ProofReplayUnavailableError` when the store cannot be reached; returns `undefined` when
   * nothing asynchronous is left to check.
   */
  check(req: IncomingMessage, token: string, payload: TokenPayload, viaDpop: boolean): Promise<void> | undefined {
    const challenge = viaDpop ? this.settings.dpopChallenge : this.challenge;
    const { cnf } = payload;
    if (cnf === undefined && !viaDpop) {
      if (this.settings.mode === 'required') throw new InvalidTokenError('dpop_required', { challenge });
      return undefined;
    }
    if (cnf !== undefined && (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf))) {
      throw new InvalidTokenError('malformed', { challenge, claim: 'cnf' });
    }
    const confirmation = (cnf ?? {}) as Readonly<Record<string, unknown>>;
    const x5t = confirmation['x5t#S256'];
    if (x5t !== undefined && (typeof x5t !== 'string' || x5t !== clientCertificateThumbprint(req, this.settings.certificateHeader))) {
      throw new InvalidTokenError('binding_mismatch', { challenge, claim: 'cnf' });
    }
    const { jkt } = confirmation;
    if (!viaDpop) {
      // RFC 9449 §7.2: a key-bound token presented as a bearer token is refused, never downgraded.
      if (jkt !== undefined || this.settings.mode === 'required') throw new InvalidTokenError('dpop_required', { challenge });
      return undefined;
    }
    if (jkt === undefined) throw new InvalidTokenError('missing_claim', { challenge, claim: 'cnf' });
    if (typeof jkt !== 'string') throw new InvalidTokenError('malformed', { challenge, claim: 'cnf' });
    return this.checkProof(req, token, jkt, challenge);
  }

  private checkProof(req: IncomingMessage, token: string, jkt: string, challenge: Challenge): Promise<void> {
    const { settings } = this;
    const nowMs = settings.clock();
    const proof = verifyDpopProof(readProofHeader(req, challenge), {
      method: req.method ?? '',
      url: requestHtu(req, settings),
      accessToken: token,
      algorithms: settings.algorithms,
      maxAge: settings.maxAge,
      clockTolerance: settings.clockTolerance,
      now: nowMs / 1000,
      maxProofLength: settings.maxProofLength,
      challenge,
      keys: this.keys,
    });
    if (this.nonces !== undefined && !this.nonces.accepts(proof.nonce)) throw new UseDpopNonceError(this.nonces.issue(), { challenge });
    if (proof.jkt !== jkt) throw new InvalidTokenError('binding_mismatch', { challenge, claim: 'cnf' });
    // Kept exactly as long as the proof could still be accepted, plus a second of margin: the
    // `jti` is only unique per key, so the key's thumbprint is part of the store key.
    const lastAcceptedMs = (proof.iat + settings.maxAge + settings.clockTolerance) * 1000;
    const ttlMs = Math.max(1000, Math.ceil(lastAcceptedMs - nowMs) + 1000);
    const key = DPOP_JTI_KEY_PREFIX + createHash('sha256').update(`${proof.jkt}\n${proof.jti}`).digest('base64url');
    return within((this.store as Store).reserve(key, '1', ttlMs), settings.storeTimeoutMs).then(
      (first) => {
        if (!first) throw new InvalidDpopProofError('replayed', { challenge, claim: 'jti' });
      },
      (cause: unknown) => {
        throw new ProofReplayUnavailableError({ cause });
      },
    );
  }

  /**
   * Runs `authenticate` and gives the errors it raises with the backend's plain challenge the
   * challenge of the scheme the request used instead (`DPoP algs=...` for a DPoP request), so
   * that a client learns what the server accepts. Costs nothing on success.
   */
  rechallenge<T>(req: IncomingMessage, authenticate: () => T): T {
    if (this.settings.mode === undefined) return authenticate();
    try {
      const outcome = authenticate();
      // A promise in, a promise out: the same outcome, its rejection recast.
      return isThenable(outcome) ? Promise.resolve(outcome).catch((err: unknown) => Promise.reject(this.recast(err, req))) as T : outcome;
    } catch (err) {
      throw this.recast(err, req);
    }
  }

  private recast(err: unknown, req: IncomingMessage): unknown {
    if (!(err instanceof InvalidTokenError || err instanceof InvalidRequestError) || err.challenge !== this.baseChallenge) return err;
    const { authorization } = req.headers;
    const challenge = typeof authorization === 'string' && DPOP_SCHEME.test(authorization) ? this.settings.dpopChallenge : this.challenge;
    const cause = err.cause;
    return err instanceof InvalidTokenError
      ? new InvalidTokenError(err.reason, { challenge, claim: err.claim, cause })
      : new InvalidRequestError(err.reason, { challenge, cause });
  }
}
