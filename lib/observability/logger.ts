/**
 * Where the library logs what an operator must see (a configuration fault): any object with a
 * `warn(message)` method, such as `console`, a pino or winston logger.
 *
 * @example
 * ```ts
 * const logger: AuthLogger = { warn: (message) => myLog.warning(message) };
 * ```
 */
export interface AuthLogger {
  /** Logs one line at warning level. */
  warn(message: string): void;
}

/** Writes a warning line; the library's default is the console's `warn`. */
export type WarnFunction = (message: string) => void;

// The default the issue asks for: an operator sees a misconfigured identity provider in the
// server's log without configuring anything.
// eslint-disable-next-line no-console
const consoleWarn: WarnFunction = (message) => console.warn(message);
const silent: WarnFunction = () => undefined;

/**
 * Reads a `logger` option: `undefined` gives `console.warn`, `false` silences, an object with a
 * `warn` method is used as it is (called with its own `this`). Anything else is a `TypeError`.
 *
 * @example
 * ```ts
 * const warn = readLogger('JWTAuthenticationBackend', options.logger);
 * ```
 */
export function readLogger(owner: string, value: unknown): WarnFunction {
  if (value === undefined) return consoleWarn;
  if (value === false) return silent;
  if (typeof value !== 'object' || value === null || typeof (value as { warn?: unknown }).warn !== 'function') {
    throw new TypeError(`${owner}: "logger" must be an object with a warn(message) method (e.g. console, or a pino logger), or false to silence it.`);
  }
  const logger = value as AuthLogger;
  return (message) => logger.warn(message);
}
