import { scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { BaseUser } from '../lib';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/** A demo account: the password is kept only as an scrypt hash (`scrypt$N$r$p$salt$hash`). */
export interface DemoUser {
  readonly username: string;
  readonly scopes: readonly string[];
  readonly passwordHash: string;
}

/** The two demo accounts: alice / alice-password (read) and admin / admin-password (read admin). */
export const DEMO_USERS: ReadonlyMap<string, DemoUser> = new Map([
  ['alice', {
    username: 'alice',
    scopes: ['read'],
    passwordHash: 'scrypt$16384$8$1$yeu3w5E_y3jR3AOFPvPIIg$vKEvbv_bkStuhdTX5ZgfFwbmGY5pSicI-7hzv893QMQ',
  }],
  ['admin', {
    username: 'admin',
    scopes: ['read', 'admin'],
    passwordHash: 'scrypt$16384$8$1$aZeyAs2TzEydU_lK3vcadg$ezaCYiBKJuvf-q7I_igY30IJLv4XRMErnX6c037ePu4',
  }],
]);

// Checked against when the username is unknown, so that an unknown user costs the same scrypt
// run as a wrong password and the two cannot be told apart by timing.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

async function matches(password: string, encoded: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = encoded.split('$');
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/**
 * Returns the user whose password matches, or `null`, in the same time for an unknown user as
 * for a wrong password.
 */
export async function verifyCredentials(username: string, password: string): Promise<DemoUser | null> {
  const user = DEMO_USERS.get(username);
  const ok = await matches(password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user !== undefined ? user : null;
}

/**
 * The application's own user object, which `retrieveUser` puts on `req.user`: it implements
 * `BaseUser` and adds the account's scopes.
 */
export class DemoAccount implements BaseUser {
  readonly isAuthenticated = true;

  constructor(private readonly user: DemoUser) {}

  get displayName(): string {
    return this.user.username;
  }

  get identity(): string {
    return this.user.username;
  }

  /** The scopes the account holds now (a token may carry fewer). */
  get accountScopes(): readonly string[] {
    return this.user.scopes;
  }
}

/** Loads the account a token's `sub` names, or `null` when there is none (any more). */
export function findAccount(sub: unknown): DemoAccount | null {
  const user = typeof sub === 'string' ? DEMO_USERS.get(sub) : undefined;
  return user === undefined ? null : new DemoAccount(user);
}
