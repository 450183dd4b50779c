import { revocationChannel } from './channels';
import type { RevocationMessage } from './messages';

/**
 * Publishes a revocation made here on `express-jwt-auth:revocation` (its kind, and whether the
 * store has it yet; never the `jti` or the subject), when someone listens.
 *
 * @example
 * ```ts
 * publishRevocation('jti', true);
 * ```
 */
export function publishRevocation(kind: RevocationMessage['kind'], stored: boolean): void {
  if (revocationChannel.hasSubscribers) revocationChannel.publish({ kind, stored });
}
