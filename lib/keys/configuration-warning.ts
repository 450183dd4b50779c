import type { KeySetFetchError } from './key-set-fetch-error';

/** A configuration warning: its text, for the backend's `logger`, and its stable `code`. */
export interface ConfigurationWarning {
  readonly message: string;
  readonly code: string;
}

// The values come from the provider's document: bounded, so that a hostile one cannot flood the logs.
const MAX_SHOWN = 200;
const show = (value: string): string => JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
const MEANWHILE = 'Until then, tokens whose key is not already known are answered 503.';

function issuerMismatch(err: KeySetFetchError): ConfigurationWarning {
  const expected = err.expected ?? '';
  const { found } = err;
  const named = found === undefined ? 'names no issuer' : `names the issuer ${show(found)}`;
  const slashOnly = found !== undefined && found.replace(/\/$/, '') === expected.replace(/\/$/, '');
  const rfc8414 = (err.url ?? '').includes('/.well-known/oauth-authorization-server');
  const document = rfc8414 ? 'RFC 8414 authorization server metadata' : 'OpenID Connect discovery document';
  return {
    code: 'EXPRESS_JWT_AUTH_ISSUER_MISMATCH',
    message: `express-jwt-auth: the ${document} at ${show(err.url ?? '')} ${named}, but "issuer" is configured as`
      + ` ${show(expected)}${slashOnly ? ' (they differ only by the trailing slash)' : ''}; the document must name the issuer exactly`
      + ` (${rfc8414 ? 'RFC 8414 §3.3' : 'OpenID Connect Discovery 1.0 §4.3'}). Configure "issuer" exactly as the provider's discovery document names it. ${MEANWHILE}`,
  };
}

/**
 * The warning for a key-set fault that a retry will not fix: what was expected, what was found,
 * and how to fix it; `undefined` for a transient outage. Issuer and key-set URLs are shown (this
 * is for the server's log, never for the client); tokens never are.
 *
 * @example
 * ```ts
 * const warning = configurationWarning(err);
 * if (warning !== undefined) logger.warn(`${warning.message} [${warning.code}]`);
 * ```
 */
export function configurationWarning(err: KeySetFetchError): ConfigurationWarning | undefined {
  switch (err.reason) {
    case 'issuer_mismatch':
      return issuerMismatch(err);
    case 'insecure_url':
      return {
        code: 'EXPRESS_JWT_AUTH_INSECURE_JWKS_URI',
        message: `express-jwt-auth: the OpenID Connect discovery document names the plain-HTTP jwks_uri ${show(err.url ?? '')}, on a host`
          + ' other than this machine: keys fetched over it could be swapped in transit. Have the provider publish its keys over HTTPS,'
          + ` or, in development only, set keySetFetch: { allowInsecureHttp: true }. ${MEANWHILE}`,
      };
    case 'no_usable_key':
      return {
        code: 'EXPRESS_JWT_AUTH_NO_USABLE_KEY',
        message: `express-jwt-auth: the key set at ${show(err.url ?? '')} holds no signing key that fits the allowed algorithms`
          + ` (${(err.algorithms ?? []).join(', ')}). Set "algorithms" to those of the provider's keys (RSA keys under 2048 bits`
          + ` also need "allowWeakKeys"). ${MEANWHILE}`,
      };
    default:
      return undefined;
  }
}
