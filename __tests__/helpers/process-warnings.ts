import { realProcess } from './process-errors';

/** What {@link watchWarnings} has seen so far. */
export interface WarningWatch {
  /** The warnings of the watched type emitted since the watch began (or was cleared), in order. */
  readonly warnings: Error[];
  /** Forgets the warnings seen so far. */
  clear(): void;
  /** Removes the listener. */
  stop(): void;
}

/**
 * Records the process warnings of one `type` (`process.emitWarning(message, { type })`),
 * listening on the real process, where Node emits them (see `realProcess`).
 *
 * @example
 * ```ts
 * const watch = watchWarnings('ExpressJwtAuthWarning');
 * afterAll(() => watch.stop());
 * ```
 */
export function watchWarnings(type: string): WarningWatch {
  const warnings: Error[] = [];
  const listener = (warning: Error): void => {
    if (warning.name === type) warnings.push(warning);
  };
  const target = realProcess();
  target.on('warning', listener);
  return {
    warnings,
    clear: () => {
      warnings.length = 0;
    },
    stop: () => target.off('warning', listener),
  };
}
