import { setTimeout as sleep } from 'node:timers/promises';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectUnavailable } from '../helpers/key-set-expectations';
import { refusingOrigin } from '../helpers/local-server';
import type { JWTAuthenticationBackendOptions } from '../../lib';
import { FETCH, probeWith, remoteApp, type RemoteApp } from '../helpers/remote-apps';
import { claims } from '../helpers/tokens';

// A fault that a retry will not fix answers every token 503, as an outage does; unlike an outage,
// it is also logged once per key set through the backend's logger, saying what was expected, what
// was found and how to fix it. The client never sees those details.

const ROUNDS = 20;

let idp: JwksServer;
let key: JoseKey;
let ecKey: JoseKey;

/** The lines the backends here logged, each split into its message and its trailing `[CODE]`. */
const watch = {
  warnings: [] as { message: string; code: string | undefined }[],
  clear(): void {
    this.warnings.length = 0;
  },
};
const logger = { warn: (line: string) => watch.warnings.push({ message: line, code: /\[([A-Z_]+)\]$/.exec(line)?.[1] }) };
const loggedApp = (options: Partial<JWTAuthenticationBackendOptions>): RemoteApp => remoteApp({ logger, ...options });

beforeAll(async () => {
  [idp, key, ecKey] = await Promise.all([startJwksServer(), joseKey('RS256', 'idp-1'), joseKey('ES256', 'idp-ec')]);
});
afterAll(async () => {
  await idp.close();
});
beforeEach(() => {
  idp.reset();
  idp.state.document = keySet(key);
  watch.clear();
});

/** Sends `rounds` tokens, one per cooldown window (so each makes a fetch), asserting each answer is the constant 503. */
async function failRepeatedly(target: RemoteApp, token: string, rounds = ROUNDS): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    expectUnavailable(await probeWith(target, token), target.probe);
    target.clock.advance(FETCH.cooldownMs);
  }
}

const codeOf = (warning: { readonly code: string | undefined }): unknown => warning.code;

describe('JWTAuthenticationBackend whose issuer differs from the discovery document by a trailing slash', () => {
  it.each([
    ['the document adds one', (origin: string) => ({ configured: origin, named: `${origin}/` })],
    ['the configuration adds one', (origin: string) => ({ configured: `${origin}/`, named: origin })],
  ])('warns once over 20 failing requests when %s, naming both issuers and the fix', async (_what, issuers) => {
    const { configured, named } = issuers(idp.origin);
    idp.state.discovery = { issuer: named, jwks_uri: idp.jwksUri };
    const target = loggedApp({ issuer: configured });
    const token = await joseToken(key, { payload: claims({ iss: configured }) });
    await failRepeatedly(target, token);
    expect(idp.count(DISCOVERY_PATH)).toBe(ROUNDS);
    expect(watch.warnings).toHaveLength(1);
    const [warning] = watch.warnings;
    expect(codeOf(warning)).toBe('EXPRESS_JWT_AUTH_ISSUER_MISMATCH');
    expect(warning.message).toContain(`names the issuer ${JSON.stringify(named)}`);
    expect(warning.message).toContain(`configured as ${JSON.stringify(configured)}`);
    expect(warning.message).toContain('differ only by the trailing slash');
    expect(warning.message).toContain('Configure "issuer" exactly as the provider\'s discovery document names it');
    expect(warning.message).not.toContain(token);
  });
});

describe('JWTAuthenticationBackend whose discovery document names a plain-HTTP jwks_uri on another host', () => {
  it('warns once over 20 failing requests, naming the jwks_uri and the development opt-in, without fetching it', async () => {
    idp.state.discovery = { issuer: idp.origin, jwks_uri: 'http://idp.example.com/jwks.json' };
    const target = loggedApp({ issuer: idp.origin });
    await failRepeatedly(target, await joseToken(key, { payload: claims({ iss: idp.origin }) }));
    expect(watch.warnings).toHaveLength(1);
    const [warning] = watch.warnings;
    expect(codeOf(warning)).toBe('EXPRESS_JWT_AUTH_INSECURE_JWKS_URI');
    expect(warning.message).toContain('"http://idp.example.com/jwks.json"');
    expect(warning.message).toContain('allowInsecureHttp');
    expect(idp.count(JWKS_PATH)).toBe(0);
  });
});

describe('JWTAuthenticationBackend whose key set holds no key for the allowed algorithms', () => {
  it('warns once over 20 failing requests, naming the key set and the algorithms', async () => {
    const target = loggedApp({ jwksUri: idp.jwksUri, algorithms: ['ES256', 'EdDSA'] });
    await failRepeatedly(target, await joseToken(ecKey));
    expect(idp.count()).toBe(ROUNDS);
    expect(watch.warnings.map(codeOf)).toEqual(['EXPRESS_JWT_AUTH_NO_USABLE_KEY']);
    expect(watch.warnings[0].message).toContain(JSON.stringify(idp.jwksUri));
    expect(watch.warnings[0].message).toContain('(ES256, EdDSA)');
  });

  it('warns again once the fault comes back after a successful fetch', async () => {
    const other = await joseKey('RS256', 'idp-2');
    idp.state.document = { keys: [] };
    const target = loggedApp({ jwksUri: idp.jwksUri });
    await failRepeatedly(target, await joseToken(key), 2);
    idp.state.document = keySet(key);
    expect((await probeWith(target, await joseToken(key))).status).toBe(200);
    idp.state.document = { keys: [] };
    target.clock.advance(FETCH.cooldownMs);
    expectUnavailable(await probeWith(target, await joseToken(other)), target.probe);
    expect(watch.warnings.map(codeOf)).toEqual(['EXPRESS_JWT_AUTH_NO_USABLE_KEY', 'EXPRESS_JWT_AUTH_NO_USABLE_KEY']);
  });
});

describe('JWTAuthenticationBackend with configuration faults', () => {
  it('warns once per distinct cause: a second issuer is reported, the first again is not', async () => {
    const target = loggedApp({ issuer: idp.origin });
    const token = await joseToken(key, { payload: claims({ iss: idp.origin }) });
    for (const named of ['https://a.example', 'https://b.example', 'https://a.example']) {
      idp.state.discovery = { issuer: named, jwks_uri: idp.jwksUri };
      await failRepeatedly(target, token, 3);
    }
    expect(watch.warnings.map((warning) => /names the issuer "([^"]+)"/.exec(warning.message)?.[1])).toEqual(['https://a.example', 'https://b.example']);
  });

  it('warns once per key set: two backends with the same fault warn once each', async () => {
    idp.state.discovery = { issuer: `${idp.origin}/`, jwks_uri: idp.jwksUri };
    const token = await joseToken(key, { payload: claims({ iss: idp.origin }) });
    for (const target of [loggedApp({ issuer: idp.origin }), loggedApp({ issuer: idp.origin })]) await failRepeatedly(target, token, 5);
    expect(watch.warnings.map(codeOf)).toEqual(['EXPRESS_JWT_AUTH_ISSUER_MISMATCH', 'EXPRESS_JWT_AUTH_ISSUER_MISMATCH']);
  });
});

describe('JWTAuthenticationBackend with a transient key-set outage', () => {
  it.each([
    ['answers 500', async () => { idp.state.status = 500; return idp.jwksUri; }],
    ['answers invalid JSON', async () => { idp.state.body = '{'; return idp.jwksUri; }],
    ['does not listen', async () => `${await refusingOrigin()}/jwks.json`],
  ])('does not warn when the endpoint %s, however many fetches fail', async (_what, breakEndpoint) => {
    const target = loggedApp({ jwksUri: await breakEndpoint() });
    await failRepeatedly(target, await joseToken(key), 5);
    expect(watch.warnings).toEqual([]);
  });

  it('does not warn when the fetch times out', async () => {
    idp.state.delayMs = 5000;
    const target = loggedApp({ jwksUri: idp.jwksUri, keySetFetch: { ...FETCH, timeoutMs: 100 } });
    await failRepeatedly(target, await joseToken(key), 3);
    await sleep(10);
    expect(watch.warnings).toEqual([]);
  });
});
