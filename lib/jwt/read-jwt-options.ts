import type { IncomingMessage } from 'node:http';
import type { Challenge } from '../core/challenge';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import { DEFAULT_SCOPE_CLAIMS } from './scopes';
import type { TokenPayload } from '../credentials';
import type { BaseUser } from '../user';
import type { TokenCookieOptions } from '../cookie/cookie-options';
import { HTTP_TOKEN } from '../core/grammar';
import { type Algorithm, isAlgorithm } from '../keys/algorithms';
import { normaliseType } from './header-checks';
import { checkClock } from './times';
import { JWT_BACKEND_OPTION_NAMES, type JWTAuthenticationBackendOptions } from './jwt-backend-options';
import { readAudience } from './read-audience';
import { type KeySettings, readKeyOptions } from './read-key-options';
import { readRevocationOptions, type RevocationSettings } from './revocation-options';
import { type KeySelection, readKeySelection } from './issuers/read-key-selection';
import { readResourceOptions } from './read-resource-options';
import { readSenderConstraintOptions, type SenderConstraintSettings } from './dpop/read-sender-options';
import { readRefreshOptions, type RefreshSettings } from '../refresh/refresh-options';
import { type ProfileSettings, readProfile } from './rfc9068';

/**
 * A JWT backend's options, read and validated once: plain values, from which the backend's
 * constructor builds its token sources, verifier, caches and signer.
 */
export interface JwtSettings<TUser extends BaseUser> {
  readonly challenge: Challenge;
  /** The credentials header, lower-cased; `undefined` when the backend reads no header (`header: false`). */
  readonly headerName: string | undefined;
  /** The cookie's options, when the backend reads a cookie. */
  readonly cookie: TokenCookieOptions | undefined;
  readonly usernameField: string;
  readonly scopeClaims: readonly string[];
  /** The verification keys, and the signing key when the backend can sign. */
  readonly keys: KeySettings;
  readonly algorithms: readonly Algorithm[];
  readonly issuer: string | readonly string[] | undefined;
  readonly audience: string | RegExp | readonly (string | RegExp)[] | undefined;
  readonly subject: string | undefined;
  /** In seconds. */
  readonly clockTolerance: number;
  /** In seconds. */
  readonly maxAge: number | undefined;
  readonly requiredClaims: readonly string[];
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
  /** The required `typ`, normalised; `undefined` when not checked. */
  readonly type: string | undefined;
  /** The `typ` written by `createToken`, as given. */
  readonly issuedType: string | undefined;
  readonly maxTokenLength: number;
  /** Entries; `0` turns the caches off. */
  readonly cacheSize: number;
  /** In seconds. */
  readonly cacheMaxAge: number;
  /** In seconds. */
  readonly expiresIn: number;
  readonly allowWeakKeys: boolean;
  /** The store and how its revocations are checked; `undefined` without the `store` option. */
  readonly revocation: RevocationSettings | undefined;
  /** DPoP and mTLS: how tokens bound to a key or a certificate are checked. */
  readonly senderConstraint: SenderConstraintSettings;
  /** The refresh-token settings; `undefined` without the `refreshTokens` option. */
  readonly refresh: RefreshSettings | undefined;
  readonly retrieveUser?: (payload: TokenPayload, req: IncomingMessage) => TUser | null | undefined | Promise<TUser | null | undefined>;
  readonly isRevoked?: (payload: TokenPayload, req: IncomingMessage) => boolean | Promise<boolean>;
  /** How the key is chosen token by token (`issuers` or `keyResolver`); `undefined` for one key source. */
  readonly keySelection: KeySelection | undefined;
  /** The RFC 8707 resource every token's `aud` must contain; `undefined` when not checked. */
  readonly resource: string | undefined;
  /** The claim whose values are granted as scopes too; `undefined` for none. */
  readonly permissionsClaim: string | undefined;
  /** The token profile's settings (already applied to `type` and `requiredClaims`); `undefined` for none. */
  readonly profile: ProfileSettings | undefined;
}


/** Validators bound to the name of the class whose options they read, for the messages. */
function validators(owner: string) {
  const text = (name: string, value: unknown, fallback: string): string => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') throw new TypeError(`${owner}: "${name}" must be a non-empty string.`);
    return value;
  };
  return {
    text,
    httpToken(name: string, value: unknown, fallback: string): string {
      const result = text(name, value, fallback);
      if (!HTTP_TOKEN.test(result)) throw new TypeError(`${owner}: "${name}" must be a single HTTP token, without spaces.`);
      return result;
    },
    stringList(name: string, value: unknown): readonly string[] | undefined {
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
        throw new TypeError(`${owner}: "${name}" must be an array of non-empty strings.`);
      }
      return Object.freeze([...value]);
    },
    optionalFunction<T>(name: string, value: T | undefined, shape: string): T | undefined {
      if (value !== undefined && typeof value !== 'function') throw new TypeError(`${owner}: "${name}" must be a function ${shape}.`);
      return value;
    },
  };
}

function readAlgorithms(owner: string, options: JWTAuthenticationBackendOptions<BaseUser>): readonly Algorithm[] {
  if (options.algorithm !== undefined && options.algorithms !== undefined) {
    throw new TypeError(`${owner}: give "algorithm" or "algorithms", not both.`);
  }
  // A remote key set cannot hold HMAC secrets, so its default is the common RS256.
  const remote = options.secretKey === undefined;
  const list: unknown[] = options.algorithms !== undefined ? [...options.algorithms] : [options.algorithm ?? (remote ? 'RS256' : 'HS256')];
  if (list.length === 0) throw new TypeError(`${owner}: "algorithms" must not be empty.`);
  for (const name of list) {
    if (!isAlgorithm(name)) {
      throw new TypeError(`${owner}: algorithm ${JSON.stringify(name)} is not supported; use HS/RS/PS/ES 256/384/512, EdDSA or Ed25519 ("none" is never allowed).`);
    }
  }
  return Object.freeze([...new Set(list as Algorithm[])]);
}

function readIssuer(owner: string, value: unknown): string | readonly string[] | undefined {
  if (value === undefined || (typeof value === 'string' && value !== '')) return value;
  const list = validators(owner).stringList('issuer', value);
  if (list?.length === 0) throw new TypeError(`${owner}: "issuer" must not be an empty list.`);
  return list;
}

/**
 * Reads and validates the options of a JWT backend once, at construction. Every mistake is a
 * `TypeError` naming `owner` and the option; the options object is not mutated.
 *
 * @example
 * ```ts
 * const settings = readJwtOptions('JWTAuthenticationBackend', { secretKey });
 * ```
 */
export function readJwtOptions<TUser extends BaseUser>(owner: string, options: JWTAuthenticationBackendOptions<TUser>): JwtSettings<TUser> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner}: pass an options object, e.g. { secretKey: process.env.JWT_SECRET }.`);
  }
  rejectUnknownOptions(owner, options, JWT_BACKEND_OPTION_NAMES);
  checkNumber(owner, 'clockTolerance', options.clockTolerance, 0);
  checkNumber(owner, 'maxAge', options.maxAge, 1);
  checkNumber(owner, 'expiresIn', options.expiresIn, 1);
  if (options.expiresIn !== undefined && !Number.isInteger(options.expiresIn)) {
    throw new TypeError(`${owner}: "expiresIn" must be a whole number of seconds.`);
  }
  const check = validators(owner);
  const clock = check.optionalFunction('clock', options.clock, 'returning milliseconds since the epoch') ?? Date.now;
  checkClock(owner, clock);
  const prefix = check.httpToken('prefix', options.prefix, 'Bearer');
  const algorithms = readAlgorithms(owner, options);
  const realm = check.text('realm', options.realm, 'api');
  // RFC 7230 §3.2.6: a quoted-string carries visible ASCII and spaces; anything else cannot be
  // written into a header, and would fail on every rejection instead of here.
  if (!/^[\x20-\x7e]+$/.test(realm)) throw new TypeError(`${owner}: "realm" must be printable ASCII.`);
  const { resource, challengeParams } = readResourceOptions(owner, options.resource, options.resourceMetadataUrl);
  const challenge: Challenge = Object.freeze({ scheme: prefix, realm, ...(challengeParams === undefined ? {} : { params: challengeParams }) });
  const issuer = readIssuer(owner, options.issuer);
  const audience = readAudience(owner, options.audience);
  const selected = readKeySelection(owner, options as JWTAuthenticationBackendOptions<BaseUser>, algorithms, challenge);
  const keySettings = selected?.keys ?? readKeyOptions(owner, options as JWTAuthenticationBackendOptions<BaseUser>, algorithms, challenge);
  checkNumber(owner, 'maxTokenLength', options.maxTokenLength, 16);
  checkNumber(owner, 'cacheSize', options.cacheSize, 0);
  checkNumber(owner, 'cacheMaxAge', options.cacheMaxAge, 1);
  const cacheSize = options.cacheSize ?? 2_000;
  if (!Number.isInteger(cacheSize)) throw new TypeError(`${owner}: "cacheSize" must be a whole number of entries (0 turns the cache off).`);
  const type = options.type === undefined ? undefined : check.text('type', options.type, '');
  const scopesClaim = options.scopesClaim === undefined ? undefined : check.text('scopesClaim', options.scopesClaim, '');
  if (options.header !== undefined && options.header !== false && typeof options.header !== 'string') {
    throw new TypeError(`${owner}: "header" must be a header name, or false to read the token from the cookie only.`);
  }
  const headerName = options.header === false ? undefined : check.httpToken('header', options.header, 'authorization').toLowerCase();
  if (headerName === undefined && options.cookie === undefined) {
    throw new TypeError(`${owner}: with header: false the token can only come from a cookie; give "cookie" too (e.g. cookie: {}).`);
  }
  const requiredClaims = check.stringList('requiredClaims', options.requiredClaims) ?? Object.freeze(['exp']);
  const profile = readProfile(owner, options as JWTAuthenticationBackendOptions<BaseUser>, requiredClaims);
  const revocation = readRevocationOptions(owner, options.store, options.revocation, { clockTolerance: options.clockTolerance ?? 0, maxAge: options.maxAge, expiresIn: options.expiresIn ?? 3600, clock, challenge });
  return {
    challenge,
    headerName,
    cookie: options.cookie,
    usernameField: check.text('usernameField', options.usernameField, 'username'),
    scopeClaims: scopesClaim === undefined ? DEFAULT_SCOPE_CLAIMS : Object.freeze([scopesClaim]),
    keys: keySettings,
    algorithms,
    issuer,
    audience,
    subject: options.subject === undefined ? undefined : check.text('subject', options.subject, ''),
    clockTolerance: options.clockTolerance ?? 0,
    maxAge: options.maxAge,
    requiredClaims: profile?.requiredClaims ?? requiredClaims,
    clock,
    type: profile?.type ?? (type === undefined ? undefined : normaliseType(type)),
    issuedType: profile?.type ?? type,
    maxTokenLength: options.maxTokenLength ?? 8192,
    cacheSize,
    cacheMaxAge: options.cacheMaxAge ?? 600,
    expiresIn: options.expiresIn ?? 3600,
    allowWeakKeys: options.allowWeakKeys === true,
    revocation,
    senderConstraint: readSenderConstraintOptions(owner, options, { challenge, clock, headerName, cookie: options.cookie !== undefined }),
    refresh: readRefreshOptions(owner, options.refreshTokens, options.store, options.cookie, clock),
    retrieveUser: check.optionalFunction('retrieveUser', options.retrieveUser, '(payload, req) returning the user or null'),
    isRevoked: check.optionalFunction('isRevoked', options.isRevoked, '(payload, req) returning a boolean'),
    keySelection: selected?.selection,
    resource,
    permissionsClaim: options.permissionsClaim === undefined ? undefined : check.text('permissionsClaim', options.permissionsClaim, ''),
    profile,
  };
}
