import { AuthCredentials, JWTUser, SimpleUser, UnauthenticatedUser } from '../lib';

describe('users', () => {
  it('SimpleUser is authenticated and named by its username', () => {
    expect(new SimpleUser('bob')).toMatchObject({ isAuthenticated: true, displayName: 'bob', identity: 'bob', username: 'bob' });
  });

  it('UnauthenticatedUser is anonymous with empty names', () => {
    expect(new UnauthenticatedUser()).toMatchObject({ isAuthenticated: false, displayName: '', identity: '' });
  });

  it('JWTUser takes its name from the username field and its identity from sub', () => {
    const user = new JWTUser({ sub: 42, email: 'a@b.c' }, 'tok', 'email');
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

  it('carries the token and payload of token-based credentials, and none otherwise', () => {
    expect(new AuthCredentials(['a'], { token: 't', payload: { sub: 'x' } })).toMatchObject({ token: 't', payload: { sub: 'x' } });
    expect(new AuthCredentials()).toMatchObject({ scopes: [], token: undefined, payload: undefined });
  });
});
