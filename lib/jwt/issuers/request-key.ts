import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../../core/challenge';
import { InvalidTokenError } from '../../errors';
import type { KeyEntry } from '../../keys/key-entry';
import type { KeyResolver } from '../../keys/key-resolver';

/**
 * The key a `keyResolver` found for the token being verified right now, as the verifier's key
 * source. The resolver verifier sets it, runs the verifier and clears it in one synchronous
 * step (the verifier asks for the key synchronously when it is at hand), so no other request
 * can see it. It trusts only that key: a token remembered as verified by another key (another
 * tenant's, or before a rotation) is verified afresh.
 */
export class RequestKey implements KeyResolver {
  private current: KeyObject | undefined;

  constructor(private readonly challenge: Challenge) {}

  /** Runs `verify` with `key` as the only key. */
  with<T>(key: KeyObject, verify: () => T): T {
    this.current = key;
    try {
      return verify();
    } finally {
      this.current = undefined;
    }
  }

  resolve(): KeyObject {
    if (this.current === undefined) throw new InvalidTokenError('unknown_key', { challenge: this.challenge });
    return this.current;
  }

  /** None of its own: the keys belong to the application, request by request. */
  entries(): readonly KeyEntry[] {
    return [];
  }

  trusts(key: KeyObject): boolean {
    return key === this.current;
  }
}
