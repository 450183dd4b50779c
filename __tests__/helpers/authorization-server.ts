import { randomUUID } from 'node:crypto';
import express from 'express';
import * as jose from 'jose';
import { type JoseKey, joseKey, keySet } from './jose-keys';
import { listenLocally } from './local-server';

/** A client the authorization server knows (client_credentials, `client_secret_basic`). */
export interface RegisteredClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The scopes the client may be granted. */
  readonly scopes: readonly string[];
}

/** One token request the server answered, as it read it. */
export interface TokenRequestRecord {
  readonly clientId: string;
  readonly scope: string | undefined;
  /** The RFC 8707 `resource` parameter(s), as sent. */
  readonly resources: readonly string[];
}

/** An OAuth 2.0 authorization server on 127.0.0.1, written here from scratch with express and jose. */
export interface LocalAuthorizationServer {
  /** Its issuer identifier, `http://127.0.0.1:<port>`: also the origin. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly key: JoseKey;
  /** Every token request answered with a token, in order. */
  readonly tokenRequests: TokenRequestRecord[];
  /** Every path requested (with query), in order. */
  readonly requests: string[];
  /** Signs an access token as this server would, with the claims given over its defaults. */
  mint(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined.
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/**
 * Starts an authorization server: RFC 8414 metadata at `/.well-known/oauth-authorization-server`,
 * a JWKS, and a token endpoint for the client_credentials grant that honours RFC 8707 `resource`
 * (the token's `aud` is the resource asked for). Its tokens are RFC 9068 access tokens
 * (`typ: at+jwt`, `client_id`, `scope`) signed ES256 with jose.
 *
 * @example
 * ```ts
 * const as = await startAuthorizationServer([{ clientId: 'agent', clientSecret: 's3cret', scopes: ['tools:read'] }]);
 * ```
 */
export async function startAuthorizationServer(clients: readonly RegisteredClient[]): Promise<LocalAuthorizationServer> {
  const key = await joseKey('ES256', 'as-key-1', { use: 'sig', alg: 'ES256' });
  const tokenRequests: TokenRequestRecord[] = [];
  const requests: string[] = [];
  const app = express();
  let issuer = '';
  const mint = (claims: Record<string, unknown>): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ iss: issuer, iat: now, exp: now + 600, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .sign(key.privateKey);
  };

  app.use((req, _res, next) => {
    requests.push(req.originalUrl);
    next();
  });
  app.get('/.well-known/oauth-authorization-server', (_req, res) => {
    res.json({
      issuer,
      // RFC 8414 §2 requires it with the code grant: this server has no user-facing login, and
      // answers it 400, but the SDK reads the member.
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
  });
  app.get('/authorize', (_req, res) => {
    res.status(400).json({ error: 'unsupported_response_type' });
  });
  app.get('/jwks.json', (_req, res) => {
    res.json(keySet(key));
  });
  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    res.set('Cache-Control', 'no-store');
    const credentials = basicCredentials(req.headers.authorization);
    const client = clients.find((one) => one.clientId === credentials?.clientId && one.clientSecret === credentials.clientSecret);
    if (client === undefined) {
      res.status(401).set('WWW-Authenticate', 'Basic realm="token"').json({ error: 'invalid_client' });
      return;
    }
    const body = req.body as Record<string, string | string[] | undefined>;
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    const scope = typeof body.scope === 'string' ? body.scope : undefined;
    const asked = scope === undefined ? [...client.scopes] : scope.split(' ').filter((one) => one !== '');
    if (!asked.every((one) => client.scopes.includes(one))) {
      res.status(400).json({ error: 'invalid_scope' });
      return;
    }
    const resources = body.resource === undefined ? [] : [body.resource].flat();
    tokenRequests.push({ clientId: client.clientId, scope, resources });
    void mint({ sub: client.clientId, client_id: client.clientId, scope: asked.join(' '), ...(resources.length === 0 ? {} : { aud: resources.length === 1 ? resources[0] : resources }) })
      .then((token) => res.json({ access_token: token, token_type: 'Bearer', expires_in: 600, scope: asked.join(' ') }));
  });

  const server = await listenLocally(app);
  issuer = server.origin;
  return {
    issuer,
    jwksUri: `${issuer}/jwks.json`,
    tokenEndpoint: `${issuer}/token`,
    key,
    tokenRequests,
    requests,
    mint,
    close: () => server.close(),
  };
}
