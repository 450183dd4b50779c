/**
 * The soak test's memory figures, as pure functions so that their arithmetic is tested apart
 * from a run (`__tests__/security/soak.test.ts`).
 */

/**
 * The peak of a run's resident memory: the largest of all its samples, the one after the
 * warm-up and the one at the end included (a peak below the final figure is no peak). `0`
 * without samples.
 *
 * @example
 * ```ts
 * peakOf([171, 180, 186]); // 186
 * ```
 */
export function peakOf(samples: readonly number[]): number {
  let peak = 0;
  for (const sample of samples) if (sample > peak) peak = sample;
  return peak;
}

/**
 * Why the server's memory fails the soak, or `undefined` when its growth from after the warm-up
 * to the end stays within the bound (all in MiB).
 *
 * @example
 * ```ts
 * memoryFailure(171, 186, 50); // undefined
 * memoryFailure(100, 160, 50); // 'server RSS grew by 60 MiB, more than 50 MiB'
 * ```
 */
export function memoryFailure(startMb: number, endMb: number, boundMb: number): string | undefined {
  const growth = endMb - startMb;
  return growth > boundMb ? `server RSS grew by ${Math.round(growth * 10) / 10} MiB, more than ${boundMb} MiB` : undefined;
}
