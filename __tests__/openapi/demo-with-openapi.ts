import type { Express } from 'express';
import { createDemoApp } from '../../demo-app/app';
import { fixedClock, SECRET } from '../helpers/tokens';

/** The demo app (HS256, the test secret), with its OAuth2 token endpoint and OpenAPI routes. */
export function buildDemoWithOpenApi(clock: () => number = fixedClock): Express {
  return createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock, apiKey: 'test-api-key' });
}
