import { runInThisContext } from 'node:vm';

/**
 * The Node process itself. Jest gives each test file a copy of `process` whose event listeners
 * Node never calls, so a listener for `unhandledRejection` must go on the real one, which code
 * run in Node's own context (not the test's sandbox) still sees.
 */
export function realProcess(): NodeJS.Process {
  return runInThisContext('process') as NodeJS.Process;
}

/** What {@link watchUnhandledRejections} has seen so far. */
export interface RejectionWatch {
  /** The reasons of the promise rejections nobody handled, in order. */
  readonly reasons: unknown[];
  /** Removes the listener. */
  stop(): void;
}

/**
 * Records every unhandled promise rejection of the process until `stop()`. (jest-circus also
 * fails the running test on one; this records them across tests and hooks, to assert on.)
 *
 * @example
 * ```ts
 * const watch = watchUnhandledRejections();
 * afterAll(() => { watch.stop(); expect(watch.reasons).toEqual([]); });
 * ```
 */
export function watchUnhandledRejections(): RejectionWatch {
  const reasons: unknown[] = [];
  const listener = (reason: unknown): void => {
    reasons.push(reason);
  };
  const target = realProcess();
  target.on('unhandledRejection', listener);
  return { reasons, stop: () => target.off('unhandledRejection', listener) };
}

/**
 * Registers, for the whole test file, a watch that fails the file if any promise rejection
 * went unhandled from its first test to its last.
 */
export function expectNoUnhandledRejections(): void {
  let watch: RejectionWatch;
  beforeAll(() => {
    watch = watchUnhandledRejections();
  });
  afterAll(() => {
    watch.stop();
    expect(watch.reasons).toEqual([]);
  });
}

/**
 * Runs `body` with the process's other `unhandledRejection` listeners (Jest's) detached, so a
 * test can provoke a rejection on purpose to prove a watch sees it; restores them after.
 */
export async function withOnlyOurRejectionListeners(body: () => Promise<void>): Promise<void> {
  const target = realProcess();
  const others = target.listeners('unhandledRejection') as ((...args: unknown[]) => void)[];
  target.removeAllListeners('unhandledRejection');
  try {
    await body();
  } finally {
    for (const listener of others) target.on('unhandledRejection', listener);
  }
}
