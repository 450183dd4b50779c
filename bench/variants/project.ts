import {
  authenticated, authenticationMiddleware, JWTAuthenticationBackend, type JWTAuthenticationBackendOptions,
} from '../../lib';
import { AUDIENCE, ISSUER } from '../config';
import type { PartsFactory, VariantConfig } from './app-shape';

/** The options of the backend; `cacheSize` is written only when the variant sets one. */
export function projectOptions({ algorithm, key, cacheSize }: VariantConfig): JWTAuthenticationBackendOptions {
  // Typed beside the interface, so that this file compiles before and after the option exists;
  // the backend itself refuses it while it does not.
  const options: JWTAuthenticationBackendOptions & { cacheSize?: number } = {
    secretKey: key,
    algorithm,
    issuer: ISSUER,
    audience: AUDIENCE,
  };
  if (cacheSize !== undefined) options.cacheSize = cacheSize;
  return options;
}

/** This project, as its README shows it: the middleware on every request, `authenticated()` on the protected route. */
export const projectParts: PartsFactory = (config) => ({
  identify: authenticationMiddleware(new JWTAuthenticationBackend(projectOptions(config))),
  protect: [authenticated()],
  subjectOf: (req) => req.auth?.payload?.sub,
});
