import { formatChallenge } from '../../lib/core/challenge';

describe('formatChallenge', () => {
  it('writes the scheme alone when there are no parameters', () => {
    expect(formatChallenge({ scheme: 'Bearer' })).toBe('Bearer');
  });

  it('writes realm first, then the parameters in order, skipping undefined ones', () => {
    expect(formatChallenge({ scheme: 'Bearer', realm: 'api' }, { error: 'invalid_token', scope: undefined, x: 'y' }))
      .toBe('Bearer realm="api", error="invalid_token", x="y"');
  });

  it('escapes quotes and backslashes and drops control characters', () => {
    expect(formatChallenge({ scheme: 'Bearer', realm: 'a"b\\c\r\nSet-Cookie: x' })).toBe('Bearer realm="a\\"b\\\\cSet-Cookie: x"');
  });
});
