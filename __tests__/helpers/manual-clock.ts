import { NOW_MS } from './tokens';

/** A clock the test moves by hand, injected as a backend's `clock` (milliseconds). */
export interface ManualClock {
  /** The current time, in milliseconds since the epoch. */
  readonly now: () => number;
  /** Moves the time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** A {@link ManualClock} starting at {@link NOW_MS} unless told otherwise. */
export function manualClock(startMs: number = NOW_MS): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number): void {
      current += ms;
    },
  };
}
