import express, { type ErrorRequestHandler, type Express } from 'express';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  authenticationMiddleware,
  jwksHandler,
  type JWTAuthenticationBackendOptions,
  JWTAuthenticationBackend,
  memoryStore,
  type Store,
} from '../lib';
import { ApiKeyBackend } from './api-key-backend';
import { apiRoutes } from './api-routes';
import { browserRoutes } from './browser-routes';
import { createOAuth2Backend, oauth2Routes, TOKEN_PATH } from './oauth2-routes';
import { demoSecurityBackends, OPENAPI_PUBLIC_PATHS, openApiRoutes } from './openapi';
import { TOKEN_LIFETIME_SEC } from './tokens';
import { type DemoAccount, findAccount } from './users';
import { type DemoWebSocket, demoWebSocket } from './websocket';

/** How the demo signs its tokens: a shared HMAC secret, or an Ed25519 key pair whose public half it publishes. */
export type DemoSigning =
  | { readonly algorithm: 'HS256'; readonly secret: string }
  | { readonly algorithm: 'EdDSA'; readonly privateKey: KeyObject };

function keyOptions(signing: DemoSigning): Pick<JWTAuthenticationBackendOptions, 'secretKey' | 'algorithm' | 'signingKey'> {
  if (signing.algorithm === 'HS256') return { secretKey: signing.secret, algorithm: 'HS256' };
  return { secretKey: createPublicKey(signing.privateKey), algorithm: 'EdDSA', signingKey: signing.privateKey };
}

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /**
   * How tokens are signed: `{ algorithm: 'HS256', secret }`, or `{ algorithm: 'EdDSA', privateKey }`
   * (an Ed25519 key; the app then publishes its public key at `/.well-known/jwks.json`).
   */
  readonly signing: DemoSigning;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
  /** Whether the session cookie is `Secure` (HTTPS only). Default: `false`, for plain-HTTP trials. */
  readonly secureCookies?: boolean;
  /** The key of the `service` account, sent as `X-API-Key`. Required. */
  readonly apiKey: string;
  /**
   * Where revocations are kept: a `redisStore` shared by several instances, or by default a
   * `memoryStore()` of this process.
   */
  readonly store?: Store;
}

const READY = Symbol('demo backend ready');

const WEBSOCKET = Symbol('demo websocket');

/** The demo's WebSocket at `/ws`: give its `upgrade` to the HTTP server's `upgrade` event. */
export function demoUpgrades(app: Express): DemoWebSocket {
  return app.locals[WEBSOCKET as unknown as string] as DemoWebSocket;
}

/** Resolves once the demo app's backend has loaded its revocations; await it before listening. */
export function demoReady(app: Express): Promise<void> {
  return (app.locals[READY as unknown as string] as Promise<void> | undefined) ?? Promise.resolve();
}

/**
 * The demo application. The JSON API (`POST /login`, `GET /`, `GET /me`, `GET /admin`,
 * `POST /revoke`, `POST /revoke-all`) uses bearer tokens; the browser pages (`GET /login`, `POST /session`,
 * `GET /profile`, `POST /notes`, `POST /logout`) use the same backend through its cookie;
 * `GET /service/status` takes the `X-API-Key` of a second backend. In EdDSA mode it also serves
 * its public key set at `GET /.well-known/jwks.json`. `POST /token` is the OAuth2 password grant,
 * `GET /openapi.json` the OpenAPI document with security derived from the guards, and `GET /docs`
 * Swagger UI.
 */
export function createDemoApp({ signing, clock = Date.now, secureCookies = false, apiKey, store = memoryStore() }: DemoAppOptions): Express {
  // One JWT backend serves both the API and the pages: the Authorization header first, then the cookie.
  const backend = new JWTAuthenticationBackend<DemoAccount>({
    ...keyOptions(signing),
    clock,
    expiresIn: TOKEN_LIFETIME_SEC,
    cookie: { secure: secureCookies },
    // Revocations (POST /revoke, POST /revoke-all) are checked on every request, in process.
    store,
    retrieveUser: (payload) => findAccount(payload.sub),
  });
  // The OAuth2 password flow around the same backend issues its tokens at POST /token, for Swagger UI's "Authorize".
  const oauth2 = createOAuth2Backend(backend);
  const app = express();
  app.disable('x-powered-by');
  app.locals[READY as unknown as string] = backend.ready();
  app.locals[WEBSOCKET as unknown as string] = demoWebSocket(backend, store, clock);
  // Logging in and out must work with a stale or foreign token still around.
  app.use(authenticationMiddleware([backend, new ApiKeyBackend(apiKey)], {
    exclude: ['/login', '/session', '/logout', TOKEN_PATH, ...OPENAPI_PUBLIC_PATHS],
  }));
  if (signing.algorithm === 'EdDSA') app.get('/.well-known/jwks.json', jwksHandler(backend));
  app.use(apiRoutes(backend));
  app.use(browserRoutes(backend));
  app.use(oauth2Routes(oauth2));
  app.use(openApiRoutes({ backends: demoSecurityBackends(oauth2, backend) }));

  const badBody: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
    if (err.type === 'entity.parse.failed' || err.type === 'entity.too.large') {
      res.status(err.status ?? 400).json({ error: 'invalid_request', detail: 'The request body is not acceptable.' });
      return;
    }
    next(err);
  };
  app.use(badBody);
  return app;
}
