import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * The names of the `node:diagnostics_channel` channels this library publishes on, one per kind
 * of event. Subscribe with `diagnostics_channel.subscribe(CHANNELS.authenticate, listener)`;
 * nothing is built or published while a channel has no subscriber. Messages carry codes and
 * names only: never a token, a secret or an expected claim value.
 *
 * @example
 * ```ts
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * diagnosticsChannel.subscribe(CHANNELS.authenticate, (message) => {
 *   const { outcome, reason } = message as AuthenticateMessage;
 *   if (outcome === 'refused') console.log('refused:', reason);
 * });
 * ```
 */
export const CHANNELS = Object.freeze({
  /** Every outcome of `authenticationMiddleware`: {@link AuthenticateMessage}. */
  authenticate: 'express-jwt-auth:authenticate',
  /** Every refusal of a guard (`authenticated()`, `requires()`): {@link GuardRefusalMessage}. */
  guard: 'express-jwt-auth:guard',
  /** Every fetch of a remote key set, and stale keys served: {@link KeySetMessage}. */
  keySet: 'express-jwt-auth:key-set',
  /** A configuration fault, once per cause: {@link ConfigurationFaultMessage}. */
  configurationFault: 'express-jwt-auth:configuration-fault',
  /** Every lookup in a backend's verified-token cache: {@link TokenCacheMessage}. */
  tokenCache: 'express-jwt-auth:token-cache',
  /** Every revocation made by `revoke()` or `revokeSubject()`: {@link RevocationMessage}. */
  revocation: 'express-jwt-auth:revocation',
  /** Every decision of a failed-authentication throttle: {@link ThrottleMessage}. */
  throttle: 'express-jwt-auth:throttle',
  /** A refresh token presented again after it was used: {@link RefreshReuseMessage}. */
  refreshReuse: 'express-jwt-auth:refresh-reuse',
} as const);

/**
 * The name of one of the library's channels.
 *
 * @example
 * ```ts
 * const name: ChannelName = CHANNELS.keySet; // 'express-jwt-auth:key-set'
 * ```
 */
export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

// Created once: `diagnostics_channel.channel()` returns the same object for a name, and a
// channel held here is not garbage-collected while subscribers come and go.
export const authenticateChannel = diagnosticsChannel.channel(CHANNELS.authenticate);
export const guardChannel = diagnosticsChannel.channel(CHANNELS.guard);
export const keySetChannel = diagnosticsChannel.channel(CHANNELS.keySet);
export const configurationFaultChannel = diagnosticsChannel.channel(CHANNELS.configurationFault);
export const tokenCacheChannel = diagnosticsChannel.channel(CHANNELS.tokenCache);
export const revocationChannel = diagnosticsChannel.channel(CHANNELS.revocation);
export const throttleChannel = diagnosticsChannel.channel(CHANNELS.throttle);
export const refreshReuseChannel = diagnosticsChannel.channel(CHANNELS.refreshReuse);
