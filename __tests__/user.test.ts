import { AuthCredentials, JWTUser, SimpleUser, UnauthenticatedUser } from '../lib';

describe('users', () => {
  it('SimpleUser is authenticated and named by its username', () => {
    expect(new SimpleUser('bob')).toMatchObject({ isAuthenticated: true, displayName: 'bob', identity: 'bob', username: 'bob' });
  });

  it('UnauthenticatedUser is anonymous with empty names', () => {
    expect(new UnauthenticatedUser()).toMatchObject({ isAuthenticated: false, displayName: '', identity: '' });
  });

  it('JWTUser takes its name from the username field and its identity from sub', () => {
    const user = new JWTUser({ sub: '42', email: 'a@b.c' }, 'tok', 'email');
    expect(user).toMatchObject({ isAuthenticated: true, displayName: 'a@b.c', username: 'a@b.c', identity: '42', token: 'tok' });
  });
});

describe('AuthCredentials', () => {
  it('holds unique scopes and checks required ones', () => {
    const credentials = new AuthCredentials(['authenticated', 'read', 'read']);
    expect(credentials.scopes).toEqual(['authenticated', 'read']);
    expect(credentials.hasScopes(['read'])).toBe(true);
    expect(credentials.hasScopes(['read', 'admin'])).toBe(false);
    expect(credentials.hasScopes([])).toBe(true);
  });

  it('throws a TypeError for a single string, which would grant its letters as scopes', () => {
    expect(() => new AuthCredentials('admin' as unknown as string[])).toThrow(/"scopes" must be an array/);
  });

  it('keeps the token out of JSON and enumeration', () => {
    const credentials = new AuthCredentials(['a'], { token: 'secret.token.value', payload: { sub: 'x' } });
    const user = new JWTUser({ sub: 'x' }, 'secret.token.value');
    expect(credentials.token).toBe('secret.token.value');
    expect(user.token).toBe('secret.token.value');
    expect(JSON.stringify([credentials, user])).not.toContain('secret.token.value');
    expect(Object.keys(credentials)).not.toContain('token');
  });

  it('carries the token and payload of token-based credentials, and none otherwise', () => {
    expect(new AuthCredentials(['a'], { token: 't', payload: { sub: 'x' } })).toMatchObject({ token: 't', payload: { sub: 'x' } });
    expect(new AuthCredentials()).toMatchObject({ scopes: [], token: undefined, payload: undefined });
  });
});
