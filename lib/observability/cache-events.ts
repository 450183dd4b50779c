import { tokenCacheChannel } from './channels';
import type { TokenCacheMessage } from './messages';

// Constant messages: a subscribed cache lookup allocates nothing either.
const MESSAGES: Readonly<Record<TokenCacheMessage['result'], TokenCacheMessage>> = Object.freeze({
  hit: Object.freeze({ result: 'hit' }),
  miss: Object.freeze({ result: 'miss' }),
  rejected_hit: Object.freeze({ result: 'rejected_hit' }),
});

/**
 * Publishes a token-cache lookup on `express-jwt-auth:token-cache`, when someone listens.
 *
 * @example
 * ```ts
 * publishCacheResult('hit');
 * ```
 */
export function publishCacheResult(result: TokenCacheMessage['result']): void {
  if (tokenCacheChannel.hasSubscribers) tokenCacheChannel.publish(MESSAGES[result]);
}
