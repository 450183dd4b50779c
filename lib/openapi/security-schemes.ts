import type { oas31 } from 'openapi3-ts';
import { JWTAuthenticationBackend } from '../jwt/jwt-backend';

/**
 * What a backend implements to describe itself in an OpenAPI document. The library's OAuth2
 * backend implements it; write it on your own backends (an API key, a session) so that
 * `openApiSecurity` can document them.
 *
 * @example
 * ```ts
 * class ApiKeyBackend implements AuthenticationBackend, OpenApiSecurityProvider {
 *   authenticate(req: IncomingMessage) { ... }
 *   openApiSecurityScheme() {
 *     return { type: 'apiKey', in: 'header', name: 'X-API-Key' } as const;
 *   }
 * }
 * ```
 */
export interface OpenApiSecurityProvider {
  /** The OpenAPI 3.1 Security Scheme Object of this backend. */
  openApiSecurityScheme(): oas31.SecuritySchemeObject;
}

function isProvider(value: unknown): value is OpenApiSecurityProvider {
  return typeof (value as Partial<OpenApiSecurityProvider> | null)?.openApiSecurityScheme === 'function';
}

function cookieScheme(cookieName: string): oas31.SecuritySchemeObject {
  return {
    type: 'apiKey',
    in: 'cookie',
    name: cookieName,
    description: `A JSON Web Token in the \`${cookieName}\` cookie, which the login route sets.`,
  };
}

function headerScheme(backend: Pick<JWTAuthenticationBackend, 'challenge' | 'headerName'>): oas31.SecuritySchemeObject {
  const { scheme } = backend.challenge;
  const { headerName = 'authorization' } = backend;
  if (headerName !== 'authorization') {
    // OpenAPI's http schemes always mean the Authorization header; another header is an API key.
    return { type: 'apiKey', in: 'header', name: headerName, description: `A JSON Web Token sent as \`${headerName}: ${scheme} <token>\`.` };
  }
  // RFC 7235 §2.1: scheme names are case-insensitive; OpenAPI's examples write them lower-case.
  if (scheme.toLowerCase() === 'bearer') {
    return { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JSON Web Token sent as `Authorization: Bearer <token>`.' };
  }
  return { type: 'http', scheme: scheme.toLowerCase(), description: `A JSON Web Token sent as \`Authorization: ${scheme} <token>\`.` };
}

/**
 * The OpenAPI 3.1 security scheme of a backend: what it says of itself when it implements
 * {@link OpenApiSecurityProvider} (`OAuth2PasswordBearer`: `{ type: 'oauth2', flows: { password } }`),
 * `{ type: 'apiKey', in: 'cookie', name }` for a JWT backend with the `cookie` option, and
 * `{ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }` for one that reads the
 * `Authorization` header. Another `prefix` gives `scheme: <prefix>`; another `header` gives
 * `{ type: 'apiKey', in: 'header', name }`. Throws a `TypeError` for any other backend.
 *
 * @example
 * ```ts
 * securitySchemeOf(new JWTAuthenticationBackend({ secretKey }));
 * // { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '...' }
 * ```
 */
export function securitySchemeOf(backend: unknown): oas31.SecuritySchemeObject {
  // The provider first: a backend that describes itself knows best. A cookie is what a browser
  // sends, and what Swagger UI cannot set from a login form, so it is the scheme to document.
  if (isProvider(backend)) return backend.openApiSecurityScheme();
  if (backend instanceof JWTAuthenticationBackend) {
    return backend.cookieName === undefined ? headerScheme(backend) : cookieScheme(backend.cookieName);
  }
  throw new TypeError('securitySchemeOf: this backend has no OpenAPI security scheme; implement OpenApiSecurityProvider (openApiSecurityScheme()) on it.');
}

/**
 * The default name of a scheme in `components.securitySchemes`: `bearerAuth` (`<scheme>Auth`
 * for other HTTP schemes), `cookieAuth`, `apiKeyAuth` (an API key in a header or query), `oauth2`,
 * `openIdConnect`.
 *
 * @example
 * ```ts
 * defaultSchemeName({ type: 'apiKey', in: 'cookie', name: 'token' }); // 'cookieAuth'
 * ```
 */
export function defaultSchemeName(scheme: oas31.SecuritySchemeObject): string {
  switch (scheme.type) {
    case 'http':
      return `${(scheme.scheme ?? 'http').toLowerCase().replace(/[^a-z0-9._-]/g, '')}Auth`;
    case 'apiKey':
      return scheme.in === 'cookie' ? 'cookieAuth' : 'apiKeyAuth';
    case 'oauth2':
      return 'oauth2';
    default:
      return 'openIdConnect';
  }
}
