import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { BenchAlgorithm } from '../config';
import { OPEN_PATH, PROTECTED_PATH } from '../config';

/** What a variant is given: the algorithm and its verification key as its docs show it. */
export interface VariantConfig {
  readonly algorithm: BenchAlgorithm;
  /** The HMAC secret string for HS256, the public key PEM otherwise. */
  readonly key: string;
  /** The project's verified-token cache size; `undefined` leaves the option out. */
  readonly cacheSize?: number;
}

/**
 * The parts every variant fills in, so that all servers have the same routes and responses:
 * `identify` runs on every request (the peers in their "credentials optional" mode where they
 * have one, as the project's middleware always is), `protect` runs before the answer of
 * `PROTECTED_PATH` (a guard), `open` before the answer of `OPEN_PATH`.
 */
export interface VariantParts {
  readonly identify?: RequestHandler;
  readonly protect?: readonly RequestHandler[];
  readonly open?: readonly RequestHandler[];
  readonly subjectOf: (req: Request, res: Response) => unknown;
  readonly errorHandler?: ErrorRequestHandler;
}

/** Builds a variant's parts; each variant file exports one, loaded only by the server that runs it. */
export type PartsFactory = (config: VariantConfig) => VariantParts;

/** Builds the Express 5 app of a variant: the same two routes, the same JSON answer. */
export function buildApp(parts: VariantParts): Express {
  const app = express();
  if (parts.identify !== undefined) app.use(parts.identify);
  const answer: RequestHandler = (req, res) => {
    res.json({ sub: parts.subjectOf(req, res) ?? 'anonymous' });
  };
  app.get(PROTECTED_PATH, ...(parts.protect ?? []), answer);
  app.get(OPEN_PATH, ...(parts.open ?? []), answer);
  if (parts.errorHandler !== undefined) app.use(parts.errorHandler);
  return app;
}
