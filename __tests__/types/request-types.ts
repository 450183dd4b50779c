// Type test, compiled by `npm run typecheck` and never run: the narrowed request type, the
// error union, an application's own user type and the guards' types.
import express, { type Request, type RequestHandler } from 'express';
import {
  type AnyAuthenticationError,
  anonymousAllowed,
  authenticated,
  type AuthCredentials,
  type AuthenticatedRequest,
  authenticationMiddleware,
  type BaseUser,
  claimCheck,
  claimEquals,
  claimIncludes,
  type ClaimPredicate,
  type IdentifiedRequest,
  type InvalidDpopProofReason,
  type InvalidRequestReason,
  type InvalidTokenReason,
  JWTAuthenticationBackend,
  requires,
} from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
function assertType<A, B>(_proof: Equal<A, B>): void {}
/** `'required'` when `K` is a required property of `T`, `'optional'` otherwise. */
type Presence<T, K extends keyof T> = Record<never, never> extends Pick<T, K> ? 'optional' : 'required';

/** An application's own user type, given to the guards' handlers. */
interface AppUser extends BaseUser {
  readonly tenantId: string;
}

/** After a guard, `user` and `auth` are present. */
export function narrowedRequest(req: AuthenticatedRequest): string {
  assertType<Presence<AuthenticatedRequest, 'user'>, 'required'>(true);
  assertType<Presence<AuthenticatedRequest, 'auth'>, 'required'>(true);
  assertType<typeof req.auth, AuthCredentials>(true);
  // The plain request: `user` and `auth` are optional (the middleware may not have run, and
  // sets `user` only for an authenticated request).
  assertType<Presence<Request, 'user'>, 'optional'>(true);
  assertType<Presence<Request, 'auth'>, 'optional'>(true);
  // After the middleware, before any guard: `auth` is present, `user` is not promised.
  assertType<Presence<IdentifiedRequest, 'auth'>, 'required'>(true);
  assertType<Presence<IdentifiedRequest, 'user'>, 'optional'>(true);
  // An AuthenticatedRequest is still an Express request.
  const plain: Request = req;
  void plain;
  return `${req.user.identity} ${req.user.displayName} ${req.auth.scopes.join(' ')}`;
}

/** The application's own user type flows into the guarded handler, without a cast. */
export function ownUserType(guarded: AuthenticatedRequest<AppUser>): void {
  const tenant: string = guarded.user.tenantId;
  const identity: string = guarded.user.identity;
  void [tenant, identity];
  // @ts-expect-error tenantId is a string
  const wrong: number = guarded.user.tenantId;
  void wrong;
  // @ts-expect-error BaseUser's fields are read-only
  guarded.user.displayName = 'mallory';
}

/** The guards take the handler and type its request: no cast, no `!`. */
export function typedHandlers(app: express.Express): void {
  app.get('/default', authenticated((req, res) => {
    const user: BaseUser = req.user;
    void user;
    assertType<typeof req.auth, AuthCredentials>(true);
    res.send(req.user.identity);
  }));
  app.get('/tenant', requires('admin', (req: AuthenticatedRequest<AppUser>, res) => {
    res.send(req.user.tenantId);
  }));
  app.get('/reports/:id', authenticated({ scopes: ['reports'] }, (req: AuthenticatedRequest<AppUser, { id: string }>, res) => {
    const id: string = req.params.id;
    res.send(`${id} ${req.user.tenantId}`);
  }));
  app.get('/async', authenticated(async (req, res) => {
    await Promise.resolve();
    res.send(req.user.displayName);
  }));
  app.get('/', anonymousAllowed((req, res) => {
    assertType<typeof req.auth, AuthCredentials>(true);
    res.send(req.user?.displayName ?? 'stranger');
    // @ts-expect-error the user is absent on an anonymous request
    void req.user.displayName;
  }));
  // @ts-expect-error the handler must be a function
  authenticated({ scopes: ['a'] }, 'not a handler');
}

/** `switch (err.code)` narrows the union to one error class per case. */
export function describeError(err: AnyAuthenticationError): string {
  // @ts-expect-error `reason` is not on every error: narrow by `code` first
  void err.reason;
  switch (err.code) {
    case 'invalid_token': {
      assertType<typeof err.reason, InvalidTokenReason>(true);
      assertType<typeof err.claim, string | undefined>(true);
      return `${err.reason} ${err.claim ?? ''}`;
    }
    case 'invalid_request': {
      assertType<typeof err.reason, InvalidRequestReason>(true);
      // @ts-expect-error only InvalidTokenError names a claim
      void err.claim;
      return err.reason;
    }
    case 'insufficient_scope': {
      assertType<typeof err.scopes, readonly string[]>(true);
      // @ts-expect-error an InsufficientScopeError has no reason
      void err.reason;
      return err.scopes.join(' ');
    }
    case 'not_authenticated': {
      // @ts-expect-error a NotAuthenticatedError has no reason
      void err.reason;
      // @ts-expect-error a NotAuthenticatedError has no scopes
      void err.scopes;
      return err.message;
    }
    case 'temporarily_unavailable': {
      return String(err.retryAfterSec);
    }
    case 'cross_site_request': {
      // @ts-expect-error a CrossSiteRequestError has no reason
      void err.reason;
      return err.message;
    }
    case 'insufficient_user_authentication': {
      assertType<typeof err.acrValues, readonly string[]>(true);
      assertType<typeof err.maxAge, number | undefined>(true);
      return `${err.claim}:${err.reason}`;
    }
    case 'invalid_dpop_proof': {
      assertType<typeof err.reason, InvalidDpopProofReason>(true);
      return err.reason;
    }
    case 'use_dpop_nonce': {
      // @ts-expect-error a UseDpopNonceError has no reason
      void err.reason;
      return err.nonce;
    }
    default: {
      const unreachable: never = err;
      return unreachable;
    }
  }
}

/** The guards and the middleware are Express request handlers. */
export function guardsAreRequestHandlers(): RequestHandler[] {
  assertType<ReturnType<typeof requires>, RequestHandler>(true);
  assertType<ReturnType<typeof authenticated>, RequestHandler>(true);
  assertType<ReturnType<typeof anonymousAllowed>, RequestHandler>(true);
  assertType<ReturnType<typeof authenticationMiddleware>, RequestHandler>(true);

  const app = express();
  app.use(authenticationMiddleware(new JWTAuthenticationBackend({ secretKey: 'a-secret-of-at-least-32-bytes!!!' })));
  app.get('/admin', requires('admin', (req: AuthenticatedRequest<AppUser>, res) => {
    res.json({ tenant: req.user.tenantId });
  }));
  app.get('/reports', authenticated({ scopes: ['a'] }), (_req, res) => {
    res.end();
  });
  app.get('/health', anonymousAllowed(), (_req, res) => {
    res.end();
  });

  // @ts-expect-error scopes are names, not numbers
  requires(42);
  // @ts-expect-error the option is `scopes`, not `scope`
  authenticated({ scope: 'a' });
  // @ts-expect-error statusCode is a number
  requires('admin', { statusCode: '404' });

  return [requires('admin'), requires(['a', 'b'], { statusCode: 404, redirect: '/login' }), authenticated({ scopes: ['a'] }), authenticated()];
}

/** The claim and step-up guards take the same handler overloads and give the same typed request. */
export function claimAndStepUpGuards(): RequestHandler[] {
  assertType<ReturnType<typeof claimEquals>, RequestHandler>(true);
  assertType<Parameters<ClaimPredicate>[0], Readonly<Record<string, unknown>>>(true);
  const app = express();
  app.get('/org', claimEquals('org_id', 'acme', (req: AuthenticatedRequest<AppUser>, res) => {
    res.json({ tenant: req.user.tenantId });
  }));
  app.get('/edit', claimIncludes('roles', ['editor', 1, true, null], { statusCode: 404 }, (req: AuthenticatedRequest<AppUser>, res) => {
    res.json({ tenant: req.user.tenantId });
  }));
  app.get('/tenant', claimCheck((payload, req) => payload.tenant === req.params.tenant, (req: AuthenticatedRequest<AppUser>, res) => {
    res.json({ tenant: req.user.tenantId });
  }));
  app.post('/pay', authenticated({ acrValues: ['mfa'], maxAge: 300, scopes: 'pay' }, (req: AuthenticatedRequest<AppUser>, res) => {
    res.json({ tenant: req.user.tenantId });
  }));

  // @ts-expect-error a claim value is a JSON primitive, not an object
  claimEquals('org', { id: 1 });
  // @ts-expect-error values come as further arguments or one array, not nested arrays
  claimIncludes('roles', [['a']]);
  // @ts-expect-error a predicate returns a boolean, not a promise
  claimCheck(async () => true);
  // @ts-expect-error maxAge is a number of seconds
  authenticated({ maxAge: '5m' });

  return [claimEquals('beta', true), claimIncludes('roles', 'editor', 'admin'), claimCheck(() => true, { statusCode: 404 })];
}
