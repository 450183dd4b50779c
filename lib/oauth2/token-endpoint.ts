import type { IncomingMessage, ServerResponse } from 'node:http';
import { asError } from '../core/as-error';
import { isInstance } from '../core/is-instance';
import { rejectUnknownOptions } from '../core/options';
import { sendCredentialResponse, tokenResponseBody } from '../core/token-response';
import type { IssuedToken } from '../jwt/sign';
import { OAuth2Error, sendOAuth2Error } from './oauth2-error';
import type { OAuth2TokenResponseBody } from './oauth2-token-response';
import { runPasswordGrant } from './password-grant';
import { readTokenRequest } from './read-token-request';
import { readGrantThrottle, runThrottledGrant, sendThrottledGrant } from './throttled-grant';
import type { FailureThrottle } from '../throttle/failure-throttle';
import { ThrottledError } from '../throttle/throttled-error';
import {
  type ClientVerifier,
  type CredentialsVerifier,
  TOKEN_ENDPOINT_OPTION_NAMES,
  type TokenEndpointOptions,
} from './token-endpoint-options';

/**
 * A token endpoint: a request handler for Express 4, Express 5 or Node's `http` server. `next`
 * receives the application's errors (a `verifyCredentials` that throws); without it they are
 * answered with a bare 500 `{"error":"server_error"}`.
 *
 * @example
 * ```ts
 * const endpoint: TokenEndpointHandler = backend.tokenEndpoint({ verifyCredentials });
 * app.all('/token', endpoint);                                   // Express
 * http.createServer((req, res) => endpoint(req, res));          // or plain Node
 * ```
 */
export type TokenEndpointHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/** What the endpoint needs from its backend. */
export interface TokenEndpointBackend {
  /** The realm of the `invalid_client` challenge. */
  readonly realm: string;
  /** The claim the granted scopes are written to. */
  readonly scopeClaim: string;
  /** Signs the claims of a granted request. */
  readonly issue: (claims: Readonly<Record<string, unknown>>) => IssuedToken;
}

const OWNER = 'tokenEndpoint';
const DEFAULT_MAX_BODY_BYTES = 8192;

/** The endpoint's options, read once. */
interface EndpointSettings {
  readonly verifyCredentials: CredentialsVerifier;
  readonly verifyClient: ClientVerifier | undefined;
  readonly maxBodyBytes: number;
  readonly throttle: FailureThrottle | undefined;
}

function readOptions(options: TokenEndpointOptions): EndpointSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${OWNER}: pass an options object, e.g. { verifyCredentials: async (username, password) => ... }.`);
  }
  rejectUnknownOptions(OWNER, options, TOKEN_ENDPOINT_OPTION_NAMES);
  const { verifyCredentials, verifyClient, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options;
  if (typeof verifyCredentials !== 'function') {
    throw new TypeError(`${OWNER}: "verifyCredentials" is required: a function (username, password, requestedScopes, req) returning null or { sub, scopes }.`);
  }
  if (verifyClient !== undefined && typeof verifyClient !== 'function') {
    throw new TypeError(`${OWNER}: "verifyClient" must be a function (clientId, clientSecret, req) returning a boolean.`);
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError(`${OWNER}: "maxBodyBytes" must be a whole number of bytes, at least 1.`);
  }
  return { verifyCredentials, verifyClient, maxBodyBytes, throttle: readGrantThrottle(options.throttle) };
}

function answerServerError(res: ServerResponse): (err?: unknown) => void {
  return function answer() {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: 'server_error' }));
  };
}

/**
 * Builds the token endpoint of an OAuth2 backend (RFC 6749 §4.3, the resource owner password
 * credentials grant). It parses its own body (no body parser needed), answers a success per
 * §5.1 with 200, `Cache-Control: no-store` and `Pragma: no-cache`, and every refusal per §5.2
 * (see {@link OAuth2Error}). Throws a `TypeError` here for bad options.
 *
 * @example
 * ```ts
 * const handler = createTokenEndpoint(backendSide, { verifyCredentials });
 * app.all('/token', handler);
 * ```
 */
export function createTokenEndpoint(backend: TokenEndpointBackend, options: TokenEndpointOptions): TokenEndpointHandler {
  const { verifyCredentials, verifyClient, maxBodyBytes, throttle } = readOptions(options);
  const grantSettings = Object.freeze({ verifyCredentials, verifyClient, realm: backend.realm, scopeClaim: backend.scopeClaim });

  async function respond(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new OAuth2Error('method_not_allowed');
    const parameters = await readTokenRequest(req, maxBodyBytes);
    const { claims, scopes } = await (throttle === undefined ? runPasswordGrant(parameters, req, grantSettings) : runThrottledGrant(throttle, parameters, req, grantSettings));
    const issued = backend.issue(claims);
    // §5.1: `scope` may be left out only when it is what the client asked for; always send it.
    const body: OAuth2TokenResponseBody = tokenResponseBody(issued.token, 'Bearer', issued.expiresIn, scopes);
    sendCredentialResponse(res, 200, body);
  }

  return function tokenEndpoint(req, res, next = answerServerError(res)) {
    respond(req, res).then(undefined, (err: unknown) => {
      if (isInstance(err, ThrottledError)) {
        if (!res.headersSent) sendThrottledGrant(res, err as ThrottledError);
      } else if (!isInstance(err, OAuth2Error)) {
        next(asError(err));
      } else if (!res.headersSent) {
        sendOAuth2Error(res, err);
      }
    });
  };
}
