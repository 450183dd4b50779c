import type { Application } from 'express';
import { readRoutes } from '../openapi/routes';

/**
 * Every scope the guards of `app` require (`requires()`, `authenticated({ scopes })`), in route
 * order, each once: what a client may need to ask for to use this server.
 *
 * @example
 * ```ts
 * app.get('/reports', requires('reports:read'), listReports);
 * guardedScopes(app); // ['reports:read']
 * ```
 */
export function guardedScopes(app: Application): readonly string[] {
  const scopes = new Set<string>();
  for (const { access } of readRoutes(app).routes) {
    if (access?.kind === 'authenticated') for (const scope of access.scopes) scopes.add(scope);
  }
  return [...scopes];
}
