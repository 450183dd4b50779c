// Type test: an application's own user type flows from `retrieveUser` through the backend's
// generic, so handlers and helpers see it without casts. Compiled by `npm run typecheck`.
import type { IncomingMessage } from 'node:http';
import {
  type AuthResult,
  type BaseUser,
  JWTAuthenticationBackend,
  type JWTUser,
} from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<A, B>(_proof: Equal<A, B>): void {}

class Account implements BaseUser {
  readonly isAuthenticated = true;
  constructor(readonly identity: string, readonly displayName: string, readonly plan: 'free' | 'pro') {}
}

declare const req: IncomingMessage;

// Without retrieveUser the user is a JWTUser.
export const plain = new JWTAuthenticationBackend({ secretKey: 'a-secret-of-thirty-two-bytes!!!!' });
assertType<typeof plain, JWTAuthenticationBackend<JWTUser>>(true);

// With retrieveUser the generic is inferred from what it returns, sync or async.
const withUser = new JWTAuthenticationBackend({
  secretKey: 'a-secret-of-thirty-two-bytes!!!!',
  retrieveUser: async (payload) => (typeof payload.sub === 'string' ? new Account(payload.sub, payload.sub, 'pro') : null),
});
assertType<typeof withUser, JWTAuthenticationBackend<Account>>(true);

export async function planOf(): Promise<'free' | 'pro' | undefined> {
  const result: AuthResult<Account> | null = await withUser.authenticate(req);
  return result?.user.plan;
}

// A backend that also reads a cookie takes the same generic.
export const cookie = new JWTAuthenticationBackend<Account>({
  secretKey: 'a-secret-of-thirty-two-bytes!!!!',
  cookie: { name: 'session' },
  retrieveUser: () => new Account('1', 'one', 'free'),
});
assertType<typeof cookie, JWTAuthenticationBackend<Account>>(true);

new JWTAuthenticationBackend<Account>({
  secretKey: 'a-secret-of-thirty-two-bytes!!!!',
  // @ts-expect-error retrieveUser must return the declared user type (or null)
  retrieveUser: () => ({ name: 'not a user' }),
});

new JWTAuthenticationBackend({
  secretKey: 'a-secret-of-thirty-two-bytes!!!!',
  // @ts-expect-error isRevoked returns a boolean
  isRevoked: () => 'yes',
});
