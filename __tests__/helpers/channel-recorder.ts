import diagnosticsChannel from 'node:diagnostics_channel';
import { type ChannelName, CHANNELS } from '../../lib';

/** One message seen on one of the library's channels. */
export interface RecordedMessage {
  readonly channel: ChannelName;
  readonly message: unknown;
}

/** What {@link recordChannels} has seen, and how to stop it. */
export interface ChannelRecorder {
  readonly messages: RecordedMessage[];
  /** The messages of one channel, in order. */
  on<TMessage>(channel: ChannelName): TMessage[];
  clear(): void;
  stop(): void;
}

/**
 * Subscribes to every channel of the library (or those given) with the real
 * `node:diagnostics_channel`, and records what is published.
 *
 * @example
 * ```ts
 * const recorder = recordChannels();
 * afterAll(() => recorder.stop());
 * ```
 */
export function recordChannels(channels: readonly ChannelName[] = Object.values(CHANNELS)): ChannelRecorder {
  const messages: RecordedMessage[] = [];
  const listeners = channels.map((channel) => {
    const listener = (message: unknown): void => {
      messages.push({ channel, message });
    };
    diagnosticsChannel.subscribe(channel, listener);
    return [channel, listener] as const;
  });
  return {
    messages,
    on: <TMessage>(channel: ChannelName) => messages.filter((entry) => entry.channel === channel).map((entry) => entry.message as TMessage),
    clear: () => {
      messages.length = 0;
    },
    stop: () => {
      for (const [channel, listener] of listeners) diagnosticsChannel.unsubscribe(channel, listener);
    },
  };
}
