import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../../core/challenge';
import { InvalidTokenError } from '../../errors';
import type { KeyEntry } from '../../keys/key-entry';
import type { KeyResolver } from '../../keys/key-resolver';
import type { IssuerSettings } from './read-trusted-issuers';

/**
 * The key sets of all trusted issuers, seen as the backend's keys as a whole. Tokens never get
 * a key here: each is verified by its own issuer's verifier, with that issuer's key set, and a
 * header alone names no issuer, so `resolve` knows no key.
 */
export class IssuerKeySets implements KeyResolver {
  constructor(private readonly issuers: readonly IssuerSettings[], private readonly challenge: Challenge) {}

  resolve(): KeyObject {
    throw new InvalidTokenError('unknown_key', { challenge: this.challenge });
  }

  entries(): readonly KeyEntry[] {
    return this.issuers.flatMap((issuer) => issuer.keys.entries());
  }

  trusts(key: KeyObject): boolean {
    return this.issuers.some((issuer) => issuer.keys.trusts(key));
  }
}
