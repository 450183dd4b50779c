import type { IncomingMessage } from 'node:http';
import { AuthCredentials, SimpleUser } from '../../lib';
import { defaultSchemeName, type OpenApiSecurityProvider, securitySchemeOf } from '../../lib/openapi/security-schemes';
import { jwtBackend } from '../helpers/apps';
import { cookieBackend } from '../helpers/cookies';
import { oauth2Backend } from '../oauth2/token-apps';

describe('securitySchemeOf', () => {
  it('describes the header backend as HTTP bearer with JWT tokens', () => {
    expect(securitySchemeOf(jwtBackend())).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A JSON Web Token sent as `Authorization: Bearer <token>`.',
    });
  });

  it('describes a header backend with another prefix by that scheme', () => {
    expect(securitySchemeOf(jwtBackend({ prefix: 'JWT' }))).toEqual({
      type: 'http',
      scheme: 'jwt',
      description: 'A JSON Web Token sent as `Authorization: JWT <token>`.',
    });
  });

  it('describes the cookie backend as an API key in its cookie, before the header backend it extends', () => {
    expect(securitySchemeOf(cookieBackend({ cookieName: 'session' }))).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: 'session',
      description: 'A JSON Web Token in the `session` cookie, which the login route sets.',
    });
  });

  it('describes the OAuth2 backend as the password flow, even with its cookie on', () => {
    expect(securitySchemeOf(oauth2Backend({ cookie: {}, scopes: { read: 'Read' } }))).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/token', scopes: { read: 'Read' } } },
    });
  });

  it('asks a custom backend that implements OpenApiSecurityProvider', () => {
    class ApiKeyBackend implements OpenApiSecurityProvider {
      authenticate(_req: IncomingMessage) {
        return { user: new SimpleUser('service'), credentials: new AuthCredentials(['authenticated']) };
      }
      openApiSecurityScheme() {
        return { type: 'apiKey' as const, in: 'header', name: 'X-API-Key' };
      }
    }
    expect(securitySchemeOf(new ApiKeyBackend())).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it.each([
    ['a custom backend without openApiSecurityScheme', { authenticate: () => null }],
    ['null', null],
    ['a string', 'bearer'],
  ])('throws a TypeError for %s', (_case, backend) => {
    expect(() => securitySchemeOf(backend)).toThrow(TypeError);
    expect(() => securitySchemeOf(backend)).toThrow(/implement OpenApiSecurityProvider/);
  });
});

describe('defaultSchemeName', () => {
  it.each([
    [{ type: 'http', scheme: 'bearer' }, 'bearerAuth'],
    [{ type: 'http', scheme: 'Basic' }, 'basicAuth'],
    [{ type: 'apiKey', in: 'cookie', name: 'token' }, 'cookieAuth'],
    [{ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKeyAuth'],
    [{ type: 'oauth2', flows: {} }, 'oauth2'],
    [{ type: 'openIdConnect', openIdConnectUrl: 'https://id.example/.well-known/openid-configuration' }, 'openIdConnect'],
  ] as const)('names %j %s', (scheme, name) => {
    expect(defaultSchemeName(scheme)).toBe(name);
  });
});
