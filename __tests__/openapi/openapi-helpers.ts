import { spawnSync } from 'node:child_process';
import type { Request, RequestHandler } from 'express';
import type { oas31 } from 'openapi3-ts';
import { type AuthenticationBackend, authenticationMiddleware, type AuthenticationMiddlewareOptions } from '../../lib';
import { compileExclusions } from '../../lib/express/exclusions';
import { middlewareMetadataOf, tagMiddleware } from '../../lib/express/middleware-metadata';

/**
 * `authenticationMiddleware`, tagged with its metadata. Until lib/express/middleware.ts tags
 * its own handlers this does it, exactly as the middleware is to; once it does, this only
 * returns the middleware.
 */
export function taggedMiddleware(
  backends: AuthenticationBackend<Request> | readonly AuthenticationBackend<Request>[],
  options: AuthenticationMiddlewareOptions = {},
): RequestHandler {
  const handler = authenticationMiddleware(backends, options);
  if (middlewareMetadataOf(handler) === undefined) {
    tagMiddleware(handler, {
      backends: Array.isArray(backends) ? backends : [backends as AuthenticationBackend<Request>],
      isExcluded: compileExclusions(options.exclude ?? [], options.excludeMethods ?? ['OPTIONS']),
    });
  }
  return handler;
}

/** A route handler that answers 200. */
export const ok: RequestHandler = (_req, res) => {
  res.json({ ok: true });
};

/** An OpenAPI 3.1 document with one operation per `METHOD /path` given, and nothing else. */
export function documentWith(operations: readonly string[], extra: Partial<oas31.OpenAPIObject> = {}): oas31.OpenAPIObject {
  const paths: oas31.PathsObject = {};
  for (const operation of operations) {
    const [method, path] = operation.split(' ');
    const item = (paths[path] ??= {}) as Record<string, oas31.OperationObject>;
    item[method.toLowerCase()] = { responses: { 200: { description: 'OK' } } };
  }
  return { openapi: '3.1.0', info: { title: 'test', version: '1.0.0' }, paths, ...extra };
}

/** The `security` of one operation of a document. */
export function securityAt(document: oas31.OpenAPIObject, operation: string): oas31.SecurityRequirementObject[] | undefined {
  const [method, path] = operation.split(' ');
  return (document.paths?.[path] as Record<string, oas31.OperationObject> | undefined)?.[method.toLowerCase()]?.security;
}

// @apidevtools/swagger-parser is an ES module that Jest's CommonJS runtime cannot load, so it
// runs in a Node process of its own, reading the document from stdin.
const VALIDATOR = `
import SwaggerParser from '@apidevtools/swagger-parser';
let input = '';
for await (const chunk of process.stdin) input += chunk;
try {
  await SwaggerParser.validate(JSON.parse(input));
  console.log(JSON.stringify({ valid: true }));
} catch (err) {
  console.log(JSON.stringify({ valid: false, message: err.message }));
}
`;

/**
 * Validates a document with a maintained validator (@apidevtools/swagger-parser, against the
 * official OpenAPI 3.1 schema), and checks what the schema cannot: every security requirement
 * names a scheme the document defines. Throws on the first problem.
 */
export function validateDocument(document: oas31.OpenAPIObject): void {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', VALIDATOR], {
    cwd: `${__dirname}/../..`,
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`The OpenAPI validator did not run: ${run.stderr}`);
  const answer = JSON.parse(run.stdout) as { valid: boolean; message?: string };
  if (!answer.valid) throw new Error(`The document is not valid OpenAPI: ${answer.message}`);
  const defined = new Set(Object.keys(document.components?.securitySchemes ?? {}));
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, oas31.OperationObject>)) {
      for (const requirement of operation.security ?? []) {
        for (const name of Object.keys(requirement)) {
          if (!defined.has(name)) throw new Error(`${method.toUpperCase()} ${path} requires the undefined scheme "${name}".`);
        }
      }
    }
  }
}

/** Freezes an object and everything in it, to prove a function does not modify its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
