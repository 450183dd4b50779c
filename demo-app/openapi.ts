import express, { type Router } from 'express';
import type { oas31 } from 'openapi3-ts';
import swaggerUi from 'swagger-ui-express';
import type { JWTAuthenticationBackend } from '../lib';
import type { OAuth2PasswordBearer } from '../lib/oauth2';
import { type OpenApiBackend, openApiSecurity, type OpenApiSecurityProvider } from '../lib/openapi';
import type { DemoAccount } from './users';

const json = (description: string, schema: oas31.SchemaObject = { type: 'object' }): oas31.ResponseObject => ({
  description,
  content: { 'application/json': { schema } },
});
const problem = (description: string): oas31.ResponseObject => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const TOKEN_RESPONSE: oas31.SchemaObject = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'Lifetime in seconds.' },
    scope: { type: 'string', description: 'The granted scopes, space-delimited.' },
  },
};

/**
 * The demo's API, described without any authentication: `openApiSecurity` adds the schemes and
 * each operation's `security` from the routes' guards.
 */
export function demoOpenApiDocument(): oas31.OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'express-jwt-auth demo',
      version: '1.0.0',
      description: 'Sign in with **Authorize** (password flow): alice / alice-password (scope `read`) or admin / admin-password (scopes `read admin`).',
    },
    paths: {
      '/token': {
        post: {
          summary: 'Get a token (RFC 6749 password grant)',
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  required: ['grant_type', 'username', 'password'],
                  properties: {
                    grant_type: { type: 'string', enum: ['password'] },
                    username: { type: 'string' },
                    password: { type: 'string', format: 'password' },
                    scope: { type: 'string', description: 'Space-delimited scopes; all of yours when left out.' },
                  },
                },
              },
            },
          },
          responses: {
            200: json('A token.', TOKEN_RESPONSE),
            400: json('An RFC 6749 error: invalid_request, invalid_grant, unsupported_grant_type or invalid_scope.', { $ref: '#/components/schemas/OAuth2Error' }),
          },
        },
      },
      '/login': {
        post: {
          summary: 'Get a token with a JSON username and password',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
              },
            },
          },
          responses: { 200: json('A token.', TOKEN_RESPONSE), 401: json('Unknown user or wrong password.') },
        },
      },
      '/': {
        get: { summary: 'The verified token payload, or null', responses: { 200: json('The payload.'), 401: problem('A bad token.') } },
      },
      '/me': {
        get: { summary: 'Who you are', responses: { 200: json('The user and scopes.'), 401: problem('No token, or a bad one.') } },
      },
      '/admin': {
        get: {
          summary: 'The admin area',
          responses: { 200: json('A welcome.'), 401: problem('No token, or a bad one.'), 403: problem('The token lacks the admin scope.') },
        },
      },
      '/revoke': {
        post: { summary: 'Revoke the token of this request', responses: { 204: { description: 'Revoked.' }, 401: problem('No token, or a bad one.') } },
      },
      '/service/status': {
        get: {
          summary: 'Service status, for the API key',
          responses: { 200: json('The status.'), 401: problem('No credentials, or bad ones.'), 403: problem('The credentials lack the service scope.') },
        },
      },
    },
    components: {
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'error'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            error: { type: 'string' },
            reason: { type: 'string' },
            scope: { type: 'string' },
          },
        },
        OAuth2Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string' }, error_description: { type: 'string' } },
        },
      },
    },
  };
}

/** The scheme of the demo's `X-API-Key` backend, which does not describe itself. */
export const API_KEY_SCHEME: OpenApiSecurityProvider = Object.freeze({
  openApiSecurityScheme: (): oas31.SecuritySchemeObject => ({
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'The service account\'s key (DEMO_API_KEY).',
  }),
});

/**
 * The demo's documented backends, in order: the OAuth2 password flow (what Swagger UI's
 * "Authorize" uses), the session cookie the login page sets, and the service's API key.
 */
export function demoSecurityBackends(
  oauth2: OAuth2PasswordBearer<DemoAccount>,
  cookie: JWTAuthenticationBackend<DemoAccount>,
): OpenApiBackend[] {
  return [{ backend: oauth2 }, { backend: cookie }, { backend: API_KEY_SCHEME }];
}

/**
 * The scopes each of the demo's documented schemes can carry. `openApiSecurity` offers every
 * scheme on every guarded operation; but the password flow and the session cookie carry only
 * the users' scopes (those the password flow declares), and the API key only `service`, so
 * `GET /service/status` takes the API key alone and `GET /admin` no API key.
 */
export function demoSchemeScopes(document: oas31.OpenAPIObject): Record<string, readonly string[]> {
  const oauth2 = document.components?.securitySchemes?.oauth2 as oas31.SecuritySchemeObject | undefined;
  const userScopes = Object.keys(oauth2?.flows?.password?.scopes ?? {});
  return { oauth2: userScopes, cookieAuth: userScopes, apiKeyAuth: ['service'] };
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Drops, from each operation's `security`, the schemes that cannot carry every scope the
 * operation requires (the scopes its requirements list). Modifies `document` and returns it.
 */
export function keepSchemesThatCarry(document: oas31.OpenAPIObject, carried: Readonly<Record<string, readonly string[]>>): oas31.OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of OPERATION_METHODS) {
      const operation = (item as oas31.PathItemObject)[method];
      if (operation?.security === undefined) continue;
      const required = [...new Set(operation.security.flatMap((requirement) => Object.values(requirement).flat()))];
      const carriers = operation.security.filter((requirement) =>
        Object.keys(requirement).every((scheme) => required.every((scope) => carried[scheme]?.includes(scope) ?? true)));
      // A scope no scheme carries is a bug of the demo: `[]` would read as a public operation.
      if (carriers.length > 0) operation.security = carriers;
    }
  }
  return document;
}

/**
 * The paths {@link openApiRoutes} serves, to exclude from `authenticationMiddleware`: the
 * document and Swagger UI are public, and a stale session cookie must not break them.
 */
export const OPENAPI_PUBLIC_PATHS: readonly string[] = Object.freeze(['/openapi.json', '/docs{/*rest}']);

/** Options of {@link openApiRoutes}. */
export interface OpenApiRoutesOptions {
  /** The backends to document. Required. */
  readonly backends: readonly OpenApiBackend[];
}

/**
 * `GET /openapi.json`, the demo's document with the security `openApiSecurity` derives from the
 * application's guards (read from `req.app` on each request, so routes added later count),
 * offering on each operation only the schemes that carry its scopes ({@link demoSchemeScopes}), and
 * Swagger UI at `/docs/`, served from the `swagger-ui-dist` package (no CDN).
 */
export function openApiRoutes({ backends }: OpenApiRoutesOptions): Router {
  const router = express.Router();
  const ui = { swaggerUrl: '/openapi.json', customSiteTitle: 'express-jwt-auth demo API' };

  router.get('/openapi.json', (req, res) => {
    const document = openApiSecurity(demoOpenApiDocument(), { app: req.app, backends });
    res.json(keepSchemesThatCarry(document, demoSchemeScopes(document)));
  });
  // The page loads its assets relative to itself: /docs must become /docs/.
  router.get('/docs', (req, res, next) => {
    if (req.path.endsWith('/')) next();
    else res.redirect(301, '/docs/');
  });
  router.use('/docs', swaggerUi.serveFiles(undefined, ui), swaggerUi.setup(undefined, ui));
  return router;
}
