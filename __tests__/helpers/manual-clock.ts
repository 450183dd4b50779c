import { NOW_MS } from './tokens';

/**
 * Clocks the test moves by hand: the wall clock, injected as a backend's `clock`, and a
 * monotonic clock, injected into a remote key set (see {@link remoteApp}) for its cooldown,
 * key age and `Retry-After`. Both in milliseconds.
 */
export interface ManualClock {
  /** The current wall time, in milliseconds since the epoch. */
  readonly now: () => number;
  /** The current monotonic time, in milliseconds since an arbitrary origin; it never goes back. */
  readonly monotonic: () => number;
  /**
   * Lets `ms` milliseconds pass: both clocks move forward. A negative `ms` sets only the wall
   * clock back, as {@link stepWall} does (a monotonic clock never goes back).
   */
  advance(ms: number): void;
  /** Moves only the wall clock by `ms` milliseconds, as NTP or an operator setting the time would. */
  stepWall(ms: number): void;
}

/** A {@link ManualClock} whose wall time starts at {@link NOW_MS} unless told otherwise. */
export function manualClock(startMs: number = NOW_MS): ManualClock {
  let wall = startMs;
  let monotonic = 0;
  return {
    now: () => wall,
    monotonic: () => monotonic,
    advance(ms: number): void {
      wall += ms;
      monotonic += Math.max(ms, 0);
    },
    stepWall(ms: number): void {
      wall += ms;
    },
  };
}
