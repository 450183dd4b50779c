import { refreshReuseChannel } from './channels';
import type { RefreshReuseMessage } from './messages';

/**
 * Publishes a refresh-token reuse detection on `express-jwt-auth:refresh-reuse`, when someone
 * listens: for the code that rotates refresh tokens, when a used one comes back. Pass the
 * family's opaque id and the subject, never the token.
 *
 * @example
 * ```ts
 * publishRefreshReuse({ familyId: family.id, subject: family.sub });
 * ```
 */
export function publishRefreshReuse(message: RefreshReuseMessage): void {
  if (refreshReuseChannel.hasSubscribers) refreshReuseChannel.publish({ familyId: message.familyId, subject: message.subject });
}
