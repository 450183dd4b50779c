import { type KeyObject, verify as cryptoVerify } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError } from '../errors';
import type { Algorithm } from '../keys/algorithms';

/**
 * Checks the signature of a compact JWS, and nothing else: claims are checked by one path for
 * every algorithm (`checkTimes`, `checkClaims`). `HS*`/`RS*`/`PS*`/`ES*` go through
 * jsonwebtoken, told to ignore times; `EdDSA`, which jsonwebtoken does not support, through
 * `node:crypto` (RFC 8037 §3.1: the signature is over the ASCII signing input, with no prehash).
 * Throws `InvalidTokenError` with reason `bad_signature` (or `malformed`).
 *
 * @example
 * ```ts
 * verifySignature(token, 'EdDSA', ed25519PublicKey, challenge);
 * ```
 */
export function verifySignature(token: string, algorithm: Algorithm, key: KeyObject, challenge: Challenge): void {
  if (algorithm === 'EdDSA') {
    const dot = token.lastIndexOf('.');
    if (dot === token.length - 1) throw new InvalidTokenError('malformed', { challenge });
    let valid = false;
    try {
      valid = cryptoVerify(null, Buffer.from(token.slice(0, dot)), key, Buffer.from(token.slice(dot + 1), 'base64url'));
    } catch (cause) {
      throw new InvalidTokenError('bad_signature', { challenge, cause });
    }
    if (!valid) throw new InvalidTokenError('bad_signature', { challenge });
    return;
  }
  // jsonwebtoken reports a bad signature by throwing; its stack trace would be the most costly
  // part of rejecting a forged token, and the reason is all anyone needs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    jsonwebtoken.verify(token, key, { algorithms: [algorithm], ignoreExpiration: true, ignoreNotBefore: true });
  } catch (cause) {
    // jsonwebtoken names its failures only by message; this is the one place that reads them.
    const message = cause instanceof Error ? cause.message : '';
    const reason = message !== 'jwt signature is required' && message.includes('signature') ? 'bad_signature' : 'malformed';
    throw new InvalidTokenError(reason, { challenge, cause });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
