import { scopesFromPayload } from '../../lib/jwt/scopes';

describe('scopesFromPayload', () => {
  it.each([
    [{ scope: 'read  write ' }, ['read', 'write']],
    [{ scp: ['read', 7, ''] }, ['read']],
    [{ scopes: ['a'] }, ['a']],
    [{ scope: 'a', scp: ['b'] }, ['a']],
    [{ scope: null }, []],
    [{}, []],
  ])('reads %j as %j', (payload, scopes) => {
    expect(scopesFromPayload(payload)).toEqual(scopes);
  });

  it('reads only the claims it is given', () => {
    expect(scopesFromPayload({ scope: 'a', roles: 'admin ops' }, ['roles'])).toEqual(['admin', 'ops']);
  });
});
