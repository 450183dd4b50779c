/**
 * Throws a `TypeError` naming the first key of `options` that `known` does not list, so a
 * misspelt option (`secret_key`, `algorythm`) fails at construction instead of being ignored.
 *
 * @example
 * ```ts
 * rejectUnknownOptions('JWTAuthenticationBackend', { secret_key: 'x' }, ['secretKey']);
 * // TypeError: JWTAuthenticationBackend: unknown option "secret_key". Known options: secretKey.
 * ```
 */
export function rejectUnknownOptions(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${owner}: unknown option "${key}". Known options: ${known.join(', ')}.`);
    }
  }
}

/**
 * Throws a `TypeError` unless `value` is `undefined` or a finite number of at least `min`.
 *
 * @example
 * ```ts
 * checkNumber('JWTAuthenticationBackend', 'clockTolerance', -1, 0); // throws
 * ```
 */
export function checkNumber(owner: string, name: string, value: unknown, min: number): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
    throw new TypeError(`${owner}: "${name}" must be a finite number of at least ${min}.`);
  }
}
