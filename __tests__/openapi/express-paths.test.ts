import { joinPaths, pathKey, toOpenApiPaths } from '../../lib/openapi/express-paths';

describe('toOpenApiPaths', () => {
  describe('with Express 5 path syntax', () => {
    it.each([
      ['/users', ['/users']],
      ['/users/:id', ['/users/{id}']],
      ['/users/:userId/posts/:postId', ['/users/{userId}/posts/{postId}']],
      ['/files{/:name}', ['/files', '/files/{name}']],
      ['/files/*path', ['/files/{path}']],
      ['/:a.:b', ['/{a}.{b}']],
      ['/', ['/']],
      ['users', ['/users']],
    ])('converts %s', (path, templates) => {
      expect(toOpenApiPaths(path, 'express5')).toEqual({ templates });
    });

    it.each([
      [/^\/re/, 'a RegExp path'],
      ['/a\\{b', 'a path with a literal brace'],
      ['/users/:', 'a path that is not valid Express path syntax'],
      [42, 'a path that is not a string'],
    ])('gives a reason for %s', (path, reason) => {
      expect(toOpenApiPaths(path, 'express5')).toEqual({ reason });
    });
  });

  describe('with Express 4 path syntax', () => {
    it.each([
      ['/users/:id', ['/users/{id}']],
      ['/users/:id(\\d+)', ['/users/{id}']],
      ['/users/:id?', ['/users', '/users/{id}']],
      ['/files/*', ['/files/{0}']],
      ['/:file.:ext', ['/{file}.{ext}']],
      ['/a\\.b', ['/a.b']],
    ])('converts %s', (path, templates) => {
      expect(toOpenApiPaths(path, 'express4')).toEqual({ templates });
    });

    it.each([
      ['/ab+cd', 'a path with regular expression syntax'],
      ['/a/(b)', 'a path with an unnamed group'],
      [/^\/x/, 'a RegExp path'],
    ])('gives a reason for %s', (path, reason) => {
      expect(toOpenApiPaths(path, 'express4')).toEqual({ reason });
    });
  });
});

describe('joinPaths', () => {
  it.each([
    ['', '/users', '/users'],
    ['/api', '/', '/api'],
    ['/api/', '/users', '/api/users'],
    ['', '/', '/'],
    ['/api', 'users', '/api/users'],
  ])('joins %j and %j into %j', (prefix, path, joined) => {
    expect(joinPaths(prefix, path)).toBe(joined);
  });
});

describe('pathKey', () => {
  it('ignores parameter names, case and a trailing slash, as Express routing does', () => {
    expect(pathKey('/Users/{userId}/')).toBe(pathKey('/users/{id}'));
    expect(pathKey('/')).toBe('/');
    expect(pathKey('/users/{id}')).not.toBe(pathKey('/users/me'));
  });
});
