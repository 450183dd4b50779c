import { guardChannel } from './channels';
import type { GuardRefusalMessage } from './messages';

/**
 * Publishes a guard's refusal on `express-jwt-auth:guard`, when someone listens.
 *
 * @example
 * ```ts
 * publishGuardRefusal('requires', 'insufficient_scope', 403);
 * ```
 */
export function publishGuardRefusal(guard: GuardRefusalMessage['guard'], reason: GuardRefusalMessage['reason'], status: number): void {
  if (!guardChannel.hasSubscribers) return;
  const message: GuardRefusalMessage = { guard, reason, status };
  guardChannel.publish(message);
}
