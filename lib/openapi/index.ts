/**
 * express-jwt-auth/openapi: security schemes and per-operation security from the guards.
 *
 * @module express-jwt-auth/openapi
 */
export { type OpenApiBackend, openApiSecurity, type OpenApiSecurityOptions } from './open-api-security';
export { type OpenApiSecurityProvider, securitySchemeOf } from './security-schemes';
