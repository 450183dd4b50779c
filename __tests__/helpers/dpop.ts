import { createHash, randomUUID } from 'node:crypto';
import * as jose from 'jose';
import request from 'supertest';
import type { Express } from 'express';
import { memoryStore, type JWTAuthenticationBackendOptions, type Store } from '../../lib';
import { jwtBackend } from './apps';
import { type JoseAlgorithm, joseKey, type JoseKey } from './jose-keys';
import { claims, NOW, SECRET } from './tokens';

/** The public origin the DPoP apps of the tests are configured with (`dpopOptions.publicBaseUrl`). */
export const PUBLIC_ORIGIN = 'https://api.example.test';

/** A DPoP client: its key pair (made by jose) and the RFC 7638 thumbprint jose computes for it. */
export interface DpopClient {
  readonly key: JoseKey;
  readonly jkt: string;
}

/** Generates a client key with jose and computes its thumbprint with jose. */
export async function dpopClient(alg: JoseAlgorithm = 'ES256'): Promise<DpopClient> {
  const key = await joseKey(alg, `client-${alg}`);
  // A proof's key is identified by its thumbprint, not a `kid`.
  const jwk: jose.JWK = { ...key.jwk };
  delete jwk.kid;
  return { key: { ...key, jwk }, jkt: await jose.calculateJwkThumbprint(jwk, 'sha256') };
}

/** Options of {@link makeProof}: every field has a default that makes a valid proof. */
export interface ProofOptions {
  readonly method?: string;
  /** The `htu`. Default: {@link PUBLIC_ORIGIN} + `/probe`. */
  readonly url?: string;
  /** The access token `ath` is computed over; `ath` is left out without one. */
  readonly accessToken?: string;
  /** Default: {@link NOW}, the tests' fixed clock. */
  readonly iat?: number;
  /** Default: a fresh UUID. */
  readonly jti?: string;
  readonly nonce?: string;
  /** Replaces or (with `undefined`) removes claims after the defaults. */
  readonly claims?: Record<string, unknown>;
  /** Replaces header parameters after the defaults (`typ`, `alg`, `jwk`). */
  readonly header?: Record<string, unknown>;
}

/** `ath`: base64url(SHA-256(token)), computed here apart from the library. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Signs a DPoP proof (RFC 9449 §4.2) with jose. */
export function makeProof(client: DpopClient, options: ProofOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.method ?? 'GET',
    htu: options.url ?? `${PUBLIC_ORIGIN}/probe`,
    iat: options.iat ?? NOW,
    ...(options.accessToken === undefined ? {} : { ath: accessTokenHash(options.accessToken) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  };
  const header = { typ: 'dpop+jwt', alg: client.key.alg, jwk: client.key.jwk, ...options.header } as jose.JWTHeaderParameters;
  return new jose.SignJWT(JSON.parse(JSON.stringify(payload)) as jose.JWTPayload).setProtectedHeader(header).sign(client.key.privateKey);
}

/** An HS256 access token made by jose with the test secret, bound to `jkt` when given (`cnf.jkt`). */
export function boundToken(jkt: string | undefined, overrides: Record<string, unknown> = {}): Promise<string> {
  const payload = { ...claims(), ...(jkt === undefined ? {} : { cnf: { jkt } }), ...overrides };
  return new jose.SignJWT(JSON.parse(JSON.stringify(payload)) as jose.JWTPayload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(Buffer.from(SECRET));
}

/** A backend with the test secret, the fixed clock, a memory store and DPoP, unless told otherwise. */
export function dpopBackend(options: Partial<JWTAuthenticationBackendOptions> = {}, store: Store = memoryStore()): ReturnType<typeof jwtBackend> {
  return jwtBackend({ store, dpop: 'allowed', ...options, dpopOptions: { publicBaseUrl: PUBLIC_ORIGIN, ...options.dpopOptions } });
}

/** A request to `GET /probe` with `Authorization: DPoP <token>` and the proof. */
export function dpopRequest(app: Express, token: string, proof: string | readonly string[] | undefined): request.Test {
  const test = request(app).get('/probe').set('Authorization', `DPoP ${token}`);
  if (proof === undefined) return test;
  // Node sends an array value as one header line per item: several DPoP headers.
  return test.set('DPoP', (typeof proof === 'string' ? proof : [...proof]) as string);
}

/** The `WWW-Authenticate` of a DPoP error under the default settings (`'allowed'`: the Bearer challenge follows). */
export function dpopChallenge(error: string, description: string, mode: 'allowed' | 'required' = 'allowed'): string {
  const dpop = `DPoP realm="api", error="${error}", error_description="${description}", algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"`;
  return mode === 'allowed' ? `${dpop}, Bearer realm="api"` : dpop;
}

/** The `WWW-Authenticate` of a Bearer error of an `'allowed'` backend: the DPoP challenge follows. */
export function bearerChallenge(error: string, description: string): string {
  return `Bearer realm="api", error="${error}", error_description="${description}", DPoP realm="api", algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA"`;
}
