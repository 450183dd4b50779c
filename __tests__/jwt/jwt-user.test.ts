import { JWTUser } from '../../lib';

describe('JWTUser', () => {
  it('takes its identity from a string sub', () => {
    expect(new JWTUser({ sub: 'user-1' }, 'tok').identity).toBe('user-1');
  });

  it.each([
    ['a number', 1],
    ['an object', { id: 'user-1' }],
    ['a list', ['user-1']],
    ['null', null],
  ])('gives an empty identity, never a converted one, for a sub that is %s in a payload it is handed directly', (_case, sub) => {
    expect(new JWTUser({ sub }, 'tok').identity).toBe('');
  });

  it('gives an empty identity and name when sub is absent', () => {
    expect(new JWTUser({}, 'tok')).toMatchObject({ identity: '', displayName: '', username: '' });
  });

  it('names the user by a numeric username claim as text, and falls back to sub for any other', () => {
    expect(new JWTUser({ sub: 'user-1', username: 7 }, 'tok').displayName).toBe('7');
    expect(new JWTUser({ sub: 'user-1', username: { first: 'Alice' } }, 'tok').displayName).toBe('user-1');
  });
});
