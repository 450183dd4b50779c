import { createRequire } from 'node:module';
import type { BenchAlgorithm, VariantId } from '../config';
import type { PartsFactory, VariantConfig } from './app-shape';
import type * as BareModule from './bare';
import type * as ExpressJwtModule from './express-jwt';
import type * as FloorModule from './floor';
import type * as OAuth2BearerModule from './oauth2-bearer';
import type * as PassportJwtModule from './passport-jwt';
import type * as ProjectModule from './project';

/** What the orchestrator knows of a variant without loading it. */
export interface VariantInfo {
  readonly label: string;
  readonly supports: (algorithm: BenchAlgorithm) => boolean;
  /** Smoke-check cases this peer answers otherwise by design, and why (reported, not failed). */
  readonly knownDifferences?: Readonly<Record<string, string>>;
}

// jsonwebtoken, under express-jwt and passport-jwt, has no EdDSA.
const withoutEdDsa = (algorithm: BenchAlgorithm): boolean => algorithm !== 'EdDSA';
const all = (): boolean => true;

/** Every variant by id; the project appears once per cache setting (or once, as `project`, without the option). */
export const VARIANTS: Readonly<Record<VariantId, VariantInfo>> = {
  bare: { label: 'bare Express', supports: all },
  'floor-noop': { label: 'floor: no-op middleware and guard', supports: all },
  'floor-props': { label: 'floor: constant req.user/req.auth', supports: all },
  'express-jwt': { label: 'express-jwt', supports: withoutEdDsa },
  'passport-jwt': { label: 'passport-jwt', supports: withoutEdDsa },
  'oauth2-bearer': {
    label: 'express-oauth2-jwt-bearer',
    supports: all,
    knownDifferences: { 'a bad signature on the open route': 'with authRequired: false it treats a bad token as no token' },
  },
  'project-cache-on': { label: 'express-jwt-auth (cache on)', supports: all },
  'project-cache-off': { label: 'express-jwt-auth (cache off)', supports: all },
  project: { label: 'express-jwt-auth', supports: all },
};

/** The project's cache size of each project variant (`undefined`: the option is left out). */
const CACHE_SIZE: Readonly<Partial<Record<VariantId, number>>> = {
  'project-cache-off': 0,
};

export function variantConfig(id: VariantId, algorithm: BenchAlgorithm, key: string): VariantConfig {
  const cacheSize = CACHE_SIZE[id];
  return cacheSize === undefined ? { algorithm, key } : { algorithm, key, cacheSize };
}

// `require` on demand rather than static imports: a server then holds only its own variant's
// modules, and its RSS can be compared with bare Express's.
const load = createRequire(__filename);

/** Loads only the variant a server runs, so that its RSS holds no other peer's modules. */
export function loadParts(id: VariantId): PartsFactory {
  switch (id) {
    case 'bare': return (load('./bare') as typeof BareModule).bareParts;
    case 'floor-noop': return (load('./floor') as typeof FloorModule).floorNoopParts;
    case 'floor-props': return (load('./floor') as typeof FloorModule).floorPropsParts;
    case 'express-jwt': return (load('./express-jwt') as typeof ExpressJwtModule).expressJwtParts;
    case 'passport-jwt': return (load('./passport-jwt') as typeof PassportJwtModule).passportJwtParts;
    case 'oauth2-bearer': return (load('./oauth2-bearer') as typeof OAuth2BearerModule).oauth2BearerParts;
    case 'project-cache-on':
    case 'project-cache-off':
    case 'project':
      return (load('./project') as typeof ProjectModule).projectParts;
  }
}

export type { PartsFactory, VariantConfig } from './app-shape';
export { buildApp } from './app-shape';
