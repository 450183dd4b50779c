import type { IncomingMessage } from 'node:http';
import { isThenable } from '../../core/thenable';
import type { TokenPayload } from '../../credentials';
import { InvalidTokenError } from '../../errors';
import { decodeJwt } from '../decode';
import { createJwtVerifier, type VerifierSettings } from '../verify';
import type { KeyResolutionSettings } from './read-key-resolution';
import type { RequestKey } from './request-key';
import { ResolvedKeys } from './resolved-keys';

/** Verifies a token with what its request says; `req` is required where the key depends on it. */
export type RequestVerifier = (token: string, req?: IncomingMessage) => TokenPayload | Promise<TokenPayload>;

/**
 * Builds the verifier of a backend with `keyResolver`: the token is decoded (not verified), its
 * algorithm checked against the allow-list (so the resolver is never asked about a token that
 * would be refused anyway), its key found by the resolver (see {@link ResolvedKeys}), and then
 * verified by the usual verifier with that key as its only key. A verified token is remembered
 * with its key: a hit counts only when this request's key is that same key.
 *
 * @example
 * ```ts
 * const verify = createResolverVerifier({ ...settings, keys: requestKey }, resolution, requestKey);
 * const payload = await verify(token, req);
 * ```
 */
export function createResolverVerifier(settings: VerifierSettings, resolution: KeyResolutionSettings, requestKey: RequestKey): RequestVerifier {
  const { challenge, maxTokenLength } = settings;
  const allowed: readonly string[] = settings.algorithms;
  const verify = createJwtVerifier({ ...settings, keys: requestKey, rejections: undefined });
  const keys = new ResolvedKeys(resolution);
  return function verifyWithResolvedKey(token: string, req?: IncomingMessage): TokenPayload | Promise<TokenPayload> {
    if (req === undefined) {
      throw new TypeError('This backend finds keys with "keyResolver", from the request: a token cannot be verified without one. Revoke by jti instead: backend.revoke(req.auth.payload.jti).');
    }
    if (token.length > maxTokenLength) throw new InvalidTokenError('too_large', { challenge });
    const { header, payload } = decodeJwt(token, challenge);
    if (typeof header.alg !== 'string' || !allowed.includes(header.alg)) throw new InvalidTokenError('algorithm_not_allowed', { challenge });
    if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') throw new InvalidTokenError('malformed', { challenge });
    const key = keys.keyFor(req, Object.freeze(header), Object.freeze(payload));
    // The verifier asks for the key synchronously, inside `with`, since it is at hand there.
    return isThenable(key)
      ? Promise.resolve(key).then((found) => requestKey.with(found, () => verify(token) as TokenPayload))
      : requestKey.with(key, () => verify(token) as TokenPayload);
  };
}
