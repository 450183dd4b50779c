/** The accepted `aud` values of a backend or of one trusted issuer. */
export type AudienceSetting = string | RegExp | readonly (string | RegExp)[];

/**
 * Reads an `audience` option: a non-empty string, a RegExp, or a non-empty array of them, copied
 * (RegExps without `g`/`y`). Throws a `TypeError` naming `owner` for anything else.
 *
 * @example
 * ```ts
 * readAudience('MyApp', ['api', /^urn:api:/]);
 * ```
 */
export function readAudience(owner: string, value: unknown): AudienceSetting | undefined {
  const isAudience = (item: unknown): boolean => (typeof item === 'string' && item !== '') || item instanceof RegExp;
  // A copy without `g`/`y`: their `lastIndex` would make the same token pass and fail by turns.
  const copy = <T>(item: T): T => (item instanceof RegExp ? new RegExp(item.source, item.flags.replace(/[gy]/g, '')) as T : item);
  if (value === undefined || isAudience(value)) return copy(value as string | RegExp | undefined);
  if (!Array.isArray(value) || value.length === 0 || !value.every(isAudience)) {
    throw new TypeError(`${owner}: "audience" must be a non-empty string, a RegExp, or a non-empty array of them.`);
  }
  return Object.freeze(value.map(copy));
}
