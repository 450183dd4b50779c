import type { Request, RequestHandler } from 'express';
import type { TokenPayload } from '../credentials';
import { InsufficientClaimsError } from '../errors';
import { asError } from '../core/as-error';
import {
  claimEqualsTest,
  claimIncludesTest,
  type ClaimTest,
  type ClaimValue,
  EMPTY_PAYLOAD,
  readClaimName,
  readClaimValue,
} from '../jwt/claim-rules';
import type { AuthenticatedRequest, GuardedHandler } from './authenticated-request';
import type { GuardCheck } from './guard-check';
import { checkHandler, checkObject, createGuard, readOptions, type RequiresOptions } from './guards';

/**
 * The predicate of {@link claimCheck}: `true` lets the request through. It receives the verified
 * claims (`{}` for credentials without any) and the request.
 *
 * @example
 * ```ts
 * const sameTenant: ClaimPredicate = (payload, req) => payload.tenant === req.params.tenant;
 * ```
 */
export type ClaimPredicate = (payload: TokenPayload, req: Request) => boolean;

type Args = readonly [RequiresOptions | GuardedHandler<Request> | undefined, GuardedHandler<Request> | undefined];

function guardOver(owner: 'claimEquals' | 'claimIncludes', test: ClaimTest, claim: string | undefined, [first = {}, second]: Args): RequestHandler {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second];
  checkObject(owner, options, '{ statusCode: 404 }');
  checkHandler(owner, handler);
  const read = readOptions(owner, options);
  const { statusCode } = read;
  const check: GuardCheck = (auth, _req, context) => {
    const failure = test(auth.payload ?? EMPTY_PAYLOAD);
    return failure && new InsufficientClaimsError(failure.reason, { claim: failure.claim, challenge: context.challenge, status: statusCode });
  };
  return createGuard(owner, [], read, handler, check, { kind: 'authenticated', scopes: [], claims: claim === undefined ? [] : [claim] });
}

/**
 * Guards a route by the value of one claim: only authenticated requests whose token has `claim`
 * strictly equal (`===`) to `value` (a string, number, boolean or `null`) get through. An
 * anonymous request gets 401 (or a 303 to `redirect`), as with `authenticated()`; a token whose
 * claim is absent or different gets 403 `insufficient_scope` with `reason` `missing_claim` or
 * `claim_mismatch` and the claim's name in the body, never the expected value (or `statusCode`).
 * Given a handler, it calls it with a typed {@link AuthenticatedRequest}.
 *
 * @example
 * ```ts
 * app.get('/billing', claimEquals('org_role', 'owner'), showBilling);
 * app.get('/beta', claimEquals('beta', true, (req: AuthenticatedRequest<JWTUser>, res) => res.send('Welcome to the beta')));
 * ```
 */
export function claimEquals(claim: string, value: ClaimValue, options?: RequiresOptions): RequestHandler;
export function claimEquals<TRequest extends Request = AuthenticatedRequest>(claim: string, value: ClaimValue, handler: GuardedHandler<TRequest>): RequestHandler;
export function claimEquals<TRequest extends Request = AuthenticatedRequest>(claim: string, value: ClaimValue, options: RequiresOptions, handler: GuardedHandler<TRequest>): RequestHandler;
export function claimEquals(claim: string, value: ClaimValue, first?: RequiresOptions | GuardedHandler<Request>, second?: GuardedHandler<Request>): RequestHandler {
  const name = readClaimName('claimEquals', claim);
  return guardOver('claimEquals', claimEqualsTest(name, readClaimValue('claimEquals', value)), name, [first, second]);
}

/**
 * Guards a route by the values a claim holds: only authenticated requests whose token's `claim`
 * holds every one of `values` get through. An array claim holds its items (`===`), a string
 * claim its space-delimited words (`roles: "editor viewer"`); a claim of another type holds
 * nothing. Refusals as {@link claimEquals}: 401 for an anonymous request, 403
 * `insufficient_scope` with `reason` and the claim's name, never the expected values.
 *
 * Give the values as further arguments, or as an array followed by options and/or a handler.
 *
 * @example
 * ```ts
 * app.post('/articles', claimIncludes('roles', 'editor'), createArticle);
 * app.delete('/articles/:id', claimIncludes('roles', ['editor', 'admin'], { statusCode: 404 }, deleteArticle));
 * ```
 */
export function claimIncludes(claim: string, ...values: ClaimValue[]): RequestHandler;
export function claimIncludes<TRequest extends Request = AuthenticatedRequest>(claim: string, values: readonly ClaimValue[], handler: GuardedHandler<TRequest>): RequestHandler;
export function claimIncludes<TRequest extends Request = AuthenticatedRequest>(claim: string, values: readonly ClaimValue[], options: RequiresOptions, handler?: GuardedHandler<TRequest>): RequestHandler;
export function claimIncludes(claim: string, ...rest: unknown[]): RequestHandler {
  const name = readClaimName('claimIncludes', claim);
  const listed = Array.isArray(rest[0]);
  const values: unknown[] = listed ? [...(rest[0] as unknown[])] : rest;
  if (listed && rest.length > 3) throw new TypeError('claimIncludes: after an array of values, give at most options and a handler.');
  if (values.length === 0) throw new TypeError('claimIncludes: give at least one value the claim must hold, e.g. claimIncludes(\'roles\', \'editor\').');
  const expected = values.map((value) => readClaimValue('claimIncludes', value));
  const args = (listed ? rest.slice(1) : []) as unknown as Args;
  return guardOver('claimIncludes', claimIncludesTest(name, expected), name, [args[0], args[1]]);
}

/**
 * Guards a route by a predicate over the token's claims (and the request): only authenticated
 * requests for which `predicate` returns `true` get through; `false` gets 403
 * `insufficient_scope` with `reason` `claim_mismatch` (or `statusCode`), an anonymous request
 * 401. The predicate must be synchronous and return a boolean: anything else, and whatever it
 * throws (unless an `AuthenticationError`, which is answered as such), is the application's
 * error and goes to `next(err)`.
 *
 * @example
 * ```ts
 * app.get('/tenants/:tenant/invoices', claimCheck((payload, req) => payload.tenant === req.params.tenant), listInvoices);
 * ```
 */
export function claimCheck(predicate: ClaimPredicate, options?: RequiresOptions): RequestHandler;
export function claimCheck<TRequest extends Request = AuthenticatedRequest>(predicate: ClaimPredicate, handler: GuardedHandler<TRequest>): RequestHandler;
export function claimCheck<TRequest extends Request = AuthenticatedRequest>(predicate: ClaimPredicate, options: RequiresOptions, handler: GuardedHandler<TRequest>): RequestHandler;
export function claimCheck(predicate: ClaimPredicate, first?: RequiresOptions | GuardedHandler<Request>, second?: GuardedHandler<Request>): RequestHandler {
  if (typeof predicate !== 'function') throw new TypeError('claimCheck: "predicate" must be a function (payload, req) returning a boolean.');
  const owner = 'claimCheck';
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first ?? {}, second];
  checkObject(owner, options, '{ statusCode: 404 }');
  checkHandler(owner, handler);
  const read = readOptions(owner, options);
  const { statusCode } = read;
  const check: GuardCheck = (auth, req, context) => {
    let verdict: unknown;
    try {
      verdict = predicate(auth.payload ?? EMPTY_PAYLOAD, req);
    } catch (err) {
      // An AuthenticationError stays one: createGuard answers it through onError.
      return asError(err);
    }
    if (verdict === true) return undefined;
    if (verdict === false) return new InsufficientClaimsError('claim_mismatch', { challenge: context.challenge, status: statusCode });
    return new TypeError('claimCheck: the predicate must return true or false (a promise is not a decision; check asynchronous conditions in a handler).');
  };
  return createGuard(owner, [], read, handler, check, { kind: 'authenticated', scopes: [], claims: [] });
}
