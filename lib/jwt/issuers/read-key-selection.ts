import type { Challenge } from '../../core/challenge';
import type { Algorithm } from '../../keys/algorithms';
import type { BaseUser } from '../../user';
import type { JWTAuthenticationBackendOptions } from '../jwt-backend-options';
import type { KeySettings } from '../read-key-options';
import { IssuerKeySets } from './issuer-key-sets';
import { type KeyResolutionSettings, readKeyResolution } from './read-key-resolution';
import { type IssuerSettings, readTrustedIssuers } from './read-trusted-issuers';
import { RequestKey } from './request-key';

/**
 * How the key is chosen token by token, when it is not one key set for all: by the token's
 * issuer among `issuers`, or by the application's `keyResolver`.
 */
export type KeySelection =
  | { readonly kind: 'issuers'; readonly issuers: readonly IssuerSettings[] }
  | { readonly kind: 'resolver'; readonly resolution: KeyResolutionSettings; readonly requestKey: RequestKey };

// Each replaces what these options say for a single key source; both at once would leave it
// unclear which one a token is verified by.
const REPLACED_BY_ISSUERS = ['secretKey', 'jwksUri', 'issuer', 'audience', 'signingKey', 'signingKeyId', 'keyResolver', 'keyResolution'] as const;
const REPLACED_BY_RESOLVER = ['secretKey', 'jwksUri', 'signingKey', 'signingKeyId', 'discovery', 'keySetFetch'] as const;

/**
 * Reads `issuers` or `keyResolver` (with what they exclude), or returns `undefined` when the
 * backend has neither and its keys are read as usual. Such a backend verifies only: it has no
 * key to sign with or to publish.
 *
 * @example
 * ```ts
 * const selection = readKeySelection('MyApp', options, algorithms, challenge);
 * ```
 */
export function readKeySelection(
  owner: string,
  options: JWTAuthenticationBackendOptions<BaseUser>,
  algorithms: readonly Algorithm[],
  challenge: Challenge,
): { readonly selection: KeySelection; readonly keys: KeySettings } | undefined {
  const verifyOnly = { remote: true, signingKey: undefined, signingKeyId: undefined } as const;
  if (options.issuers !== undefined) {
    for (const name of REPLACED_BY_ISSUERS) {
      if (options[name] !== undefined) {
        throw new TypeError(`${owner}: give "issuers" or "${name}", not both: with "issuers", each entry has its own issuer, audience and keys${name.startsWith('signing') ? ', and the backend only verifies' : ''}.`);
      }
    }
    const issuers = readTrustedIssuers(owner, options, challenge);
    return { selection: { kind: 'issuers', issuers }, keys: { keys: new IssuerKeySets(issuers, challenge), ...verifyOnly } };
  }
  if (options.keyResolver !== undefined) {
    for (const name of REPLACED_BY_RESOLVER) {
      if (options[name] !== undefined) throw new TypeError(`${owner}: give "keyResolver" or "${name}", not both: the resolver finds the key of every token, and the backend only verifies.`);
    }
    const resolution = readKeyResolution(owner, options, algorithms, challenge);
    const requestKey = new RequestKey(challenge);
    return { selection: { kind: 'resolver', resolution, requestKey }, keys: { keys: requestKey, ...verifyOnly } };
  }
  if (options.keyResolution !== undefined) throw new TypeError(`${owner}: "keyResolution" configures "keyResolver"; give the resolver too.`);
  return undefined;
}
