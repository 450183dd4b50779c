import { createSecretKey, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { DemoUser } from './users';

/** Lifetime of the demo's access tokens, in seconds. */
export const TOKEN_LIFETIME_SEC = 3600;

/** Signs an HS256 access token for a demo user: `sub`, `username`, `scope`, `iat`, `exp`. */
export function issueAccessToken(user: DemoUser, key: KeyObject, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  return jsonwebtoken.sign(
    { sub: user.username, username: user.username, scope: user.scopes.join(' '), iat, exp: iat + TOKEN_LIFETIME_SEC },
    key,
    { algorithm: 'HS256' },
  );
}

/** The demo's HMAC key as a `KeyObject`. */
export function demoKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
