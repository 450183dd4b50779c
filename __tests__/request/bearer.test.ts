import { extractToken } from '../../lib/request/bearer';
import { DEFAULT_CHALLENGE } from '../../lib/core/challenge';
import { InvalidRequestError } from '../../lib';

const extract = (value: string | string[] | undefined): string | null => extractToken(value, 'bearer', DEFAULT_CHALLENGE);

describe('extractToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
    ['Bearer\tabc', 'abc'],
  ])('reads the token from %j', (value, token) => {
    expect(extract(value)).toBe(token);
  });

  it.each([undefined, '', 'Basic abc', 'Bearerabc', 'Token abc'])('returns null for %j', (value) => {
    expect(extract(value)).toBeNull();
  });

  it.each([
    ['Bearer', 'missing_token'],
    ['Bearer   ', 'missing_token'],
    ['Bearer a b', 'malformed_header'],
  ])('throws InvalidRequestError for %j with reason %s', (value, reason) => {
    expect(() => extract(value)).toThrow(InvalidRequestError);
    expect(() => extract(value)).toThrow(expect.objectContaining({ reason }) as Error);
  });

  it('throws InvalidRequestError for a header Node delivered as several values', () => {
    expect(() => extract(['Bearer a', 'Bearer b'])).toThrow(InvalidRequestError);
  });
});
