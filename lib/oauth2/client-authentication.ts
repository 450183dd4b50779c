import type { IncomingMessage } from 'node:http';
import { OAuth2Error } from './oauth2-error';
import type { TokenParameters } from './read-token-request';
import type { ClientVerifier } from './token-endpoint-options';

/** The credentials a client presented, and how. */
interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function fromBasicHeader(header: string, realm: string): ClientCredentials {
  const encoded = header.trim().slice('basic'.length).trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (encoded === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || colon === -1) {
    throw new OAuth2Error('client_authentication_failed', { realm });
  }
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuth2Error('client_authentication_failed', { realm });
  }
}

function isBasic(header: string | undefined): header is string {
  return header !== undefined && /^basic(\s|$)/i.test(header.trim());
}

/**
 * Authenticates the client of a token request when the endpoint has `verifyClient` (RFC 6749
 * §2.3.1): by HTTP Basic, or by `client_id` and `client_secret` in the body, never both
 * (`invalid_request`, §2.3). Missing or wrong credentials give 401 `invalid_client`. Without
 * `verifyClient`, every client is public and nothing is checked.
 *
 * @example
 * ```ts
 * await authenticateClient(req, parameters, verifyClient, 'api');
 * ```
 */
export async function authenticateClient(
  req: IncomingMessage,
  parameters: TokenParameters,
  verifyClient: ClientVerifier | undefined,
  realm: string,
): Promise<void> {
  if (verifyClient === undefined) return;
  const header = req.headers.authorization;
  const inBody = parameters.has('client_id') || parameters.has('client_secret');
  if (isBasic(header) && inBody) throw new OAuth2Error('multiple_client_authentication');
  let credentials: ClientCredentials;
  if (isBasic(header)) {
    credentials = fromBasicHeader(header, realm);
  } else {
    const clientId = parameters.get('client_id');
    if (clientId === undefined) throw new OAuth2Error('client_authentication_failed', { realm });
    // §2.3.1: a client whose secret is the empty string may omit client_secret.
    credentials = { clientId, clientSecret: parameters.get('client_secret') ?? '' };
  }
  const accepted = await verifyClient(credentials.clientId, credentials.clientSecret, req);
  if (typeof accepted !== 'boolean') throw new TypeError('verifyClient must return (or resolve to) true or false.');
  if (!accepted) throw new OAuth2Error('client_authentication_failed', { realm });
}
