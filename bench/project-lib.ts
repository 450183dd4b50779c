import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Library from '../lib';

/**
 * The project as its users run it: the compiled package in `dist/` (`npm run build`, which
 * `npm run bench` and `npm run bench:micro` run first), not the TypeScript sources through tsx.
 * tsx's keep-names helper adds a property definition to every closure it creates, a cost no
 * installed copy of the library has and no peer (all plain JavaScript) pays.
 */
function loadBuiltLibrary(): typeof Library {
  const entry = join(__dirname, '..', 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run "npm run build" first.`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-var-requires
  return require(entry) as typeof Library;
}

export const { authenticated, authenticationMiddleware, JWTAuthenticationBackend } = loadBuiltLibrary();
