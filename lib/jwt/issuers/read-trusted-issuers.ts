import type { Challenge } from '../../core/challenge';
import { rejectUnknownOptions } from '../../core/options';
import { type Algorithm, isAlgorithm } from '../../keys/algorithms';
import { describeUnfetchableUrl } from '../../keys/fetch-json';
import type { KeyResolver } from '../../keys/key-resolver';
import type { BaseUser } from '../../user';
import type { JWTAuthenticationBackendOptions } from '../jwt-backend-options';
import { type AudienceSetting, readAudience } from '../read-audience';
import { readKeyOptions } from '../read-key-options';
import type { TrustedIssuer } from './trusted-issuer';

/** One trusted issuer, read and validated, with its own key set. */
export interface IssuerSettings {
  readonly issuer: string;
  readonly audience: AudienceSetting;
  readonly algorithms: readonly Algorithm[];
  readonly keys: KeyResolver;
  /** Whether the keys are fetched (so they may change under a remembered signature). */
  readonly remote: boolean;
}

const ENTRY_OPTION_NAMES: readonly string[] = Object.freeze(['issuer', 'audience', 'jwksUri', 'secretKey', 'discovery', 'algorithms', 'keySetFetch']);

function readEntryAlgorithms(at: string, entry: TrustedIssuer, options: JWTAuthenticationBackendOptions<BaseUser>): readonly Algorithm[] {
  const given = entry.algorithms ?? options.algorithms ?? (options.algorithm === undefined ? undefined : [options.algorithm]);
  const list: unknown[] = given === undefined ? [entry.secretKey === undefined ? 'RS256' : 'HS256'] : Array.isArray(given) ? [...given] : [given];
  if (list.length === 0) throw new TypeError(`${at}: "algorithms" must not be empty.`);
  for (const name of list) {
    if (!isAlgorithm(name)) {
      throw new TypeError(`${at}: algorithm ${JSON.stringify(name)} is not supported; use HS/RS/PS/ES 256/384/512, EdDSA or Ed25519 ("none" is never allowed).`);
    }
  }
  return Object.freeze([...new Set(list as Algorithm[])]);
}

function readIssuerUrl(at: string, entry: TrustedIssuer, allowInsecureHttp: boolean): string {
  const { issuer } = entry;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError(`${at}: "issuer" must be the provider's issuer URL, e.g. 'https://login.example.com'.`);
  const problem = describeUnfetchableUrl(issuer, allowInsecureHttp);
  if (problem !== undefined) throw new TypeError(`${at}: "issuer" ${problem}.`);
  // RFC 8414 §2: an issuer identifier has no query or fragment.
  const url = new URL(issuer);
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new TypeError(`${at}: "issuer" must not have a query or fragment (RFC 8414 §2).`);
  }
  return issuer;
}

function readEntry(owner: string, index: number, value: unknown, options: JWTAuthenticationBackendOptions<BaseUser>, challenge: Challenge): IssuerSettings {
  const at = `${owner} issuers[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${at}: each entry must be an object { issuer, audience, jwksUri? }.`);
  }
  const entry = value as TrustedIssuer;
  rejectUnknownOptions(at, entry, ENTRY_OPTION_NAMES);
  const keySetFetch = entry.keySetFetch ?? options.keySetFetch;
  const issuer = readIssuerUrl(at, entry, keySetFetch?.allowInsecureHttp === true);
  if (entry.audience === undefined) {
    throw new TypeError(`${at}: "audience" is required: the tokens this provider issues for other APIs must not be accepted here.`);
  }
  const audience = readAudience(at, entry.audience) as AudienceSetting;
  const algorithms = readEntryAlgorithms(at, entry, options);
  const discovery = entry.discovery ?? (entry.secretKey === undefined && entry.jwksUri === undefined ? options.discovery : undefined);
  const keys = readKeyOptions(at, {
    secretKey: entry.secretKey,
    jwksUri: entry.jwksUri,
    issuer,
    discovery,
    keySetFetch,
    allowWeakKeys: options.allowWeakKeys,
    logger: options.logger,
  }, algorithms, challenge);
  return Object.freeze({ issuer, audience, algorithms, keys: keys.keys, remote: keys.remote });
}

/**
 * Reads the `issuers` option: a non-empty list of distinct trusted issuers, each with its
 * audience and keys, read with the same rules as the backend's own key options. Throws a
 * `TypeError` naming the entry for every mistake.
 *
 * @example
 * ```ts
 * const issuers = readTrustedIssuers('MyApp', { issuers: [{ issuer: 'https://idp.example', audience: 'api' }] }, challenge);
 * ```
 */
export function readTrustedIssuers(owner: string, options: JWTAuthenticationBackendOptions<BaseUser>, challenge: Challenge): readonly IssuerSettings[] {
  const list: unknown = options.issuers;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${owner}: "issuers" must be a non-empty array of { issuer, audience, jwksUri? }.`);
  }
  const entries = list.map((value: unknown, index) => readEntry(owner, index, value, options, challenge));
  const seen = new Set<string>();
  for (const [index, { issuer }] of entries.entries()) {
    if (seen.has(issuer)) throw new TypeError(`${owner} issuers[${index}]: issuer ${JSON.stringify(issuer)} is listed twice; each issuer has one entry.`);
    seen.add(issuer);
  }
  return Object.freeze(entries);
}
