import { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { AuthCredentials } from '../credentials';
import type { AuthContext } from './request-context';

/**
 * Where `req.user`, `req.auth` and the guards' context live without adding properties to each
 * request. Express gives every request a new prototype (its app's `request` object), so V8 gives
 * every request whose properties are added afterwards a hidden class of its own: two property
 * writes cost more than verifying a cached token. Instead, `user` and `auth` are accessors
 * defined once on each Express app's request prototype, backed by a `WeakMap` entry that only an
 * authenticated request (or one whose `user` another middleware sets) ever gets; an anonymous
 * request is written nothing, and reads `AuthCredentials.anonymous`.
 *
 * Requests without an Express app prototype (a plain `http` server, a test double) get own
 * properties, as before; no global prototype (`IncomingMessage.prototype`) is ever changed.
 */
interface RequestState {
  user: unknown;
  auth: AuthCredentials | undefined;
  context: AuthContext | undefined;
}

const states = new WeakMap<object, RequestState>();
/** The context of the first middleware that saw each app prototype: most apps have one. */
const prototypeContexts = new WeakMap<object, AuthContext>();
const patched = new WeakSet<object>();
/** The prototypes on which this copy of the library defined the accessors. */
const definedHere = new WeakSet<object>();
/**
 * Per request prototype: whether `req.user` and `req.auth` resolve to this copy's accessors, so
 * that the middleware and the guards can read and write the state directly. Each request has a
 * hidden class of its own (see above), so V8 caches no lookup of a property on it: every
 * `req.user` is a walk up the prototype chain, which costs more than the `WeakMap` it ends in.
 */
const direct = new WeakMap<object, boolean>();
// A symbol, so the own-property fallback is invisible to JSON, logging and other middleware.
const CONTEXT = Symbol('express-jwt-auth.context');

function newState(req: object): RequestState {
  const state: RequestState = { user: undefined, auth: undefined, context: undefined };
  states.set(req, state);
  return state;
}

function stateOf(req: object): RequestState {
  return states.get(req) ?? newState(req);
}

/** An Express app's request prototype: `Object.create(request, { app })`, never Node's own. */
function isAppRequestPrototype(proto: object | null): proto is object {
  return proto !== null && proto !== IncomingMessage.prototype && Object.hasOwn(proto, 'app');
}

const ACCESSORS: PropertyDescriptorMap = {
  user: {
    configurable: true,
    enumerable: false,
    get(this: object): unknown {
      return states.get(this)?.user;
    },
    set(this: object, value: unknown) {
      stateOf(this).user = value;
    },
  },
  auth: {
    configurable: true,
    enumerable: false,
    get(this: object): AuthCredentials {
      return states.get(this)?.auth ?? AuthCredentials.anonymous;
    },
    set(this: object, value: AuthCredentials | undefined) {
      stateOf(this).auth = value;
    },
  },
};

/**
 * Makes `req.user` and `req.auth` accessors on the request's app prototype, and on the
 * prototypes of the apps it is mounted in (a sub-app's prototype inherits its parent's).
 * Returns whether the request uses them; `false` means own properties.
 */
function adopt(proto: object | null): boolean {
  if (!isAppRequestPrototype(proto)) return false;
  for (let current: object | null = proto; isAppRequestPrototype(current); current = Object.getPrototypeOf(current) as object | null) {
    if (patched.has(current)) continue;
    // Another copy of this library may have defined them already: reading and writing through
    // the properties keeps both copies consistent, whichever accessors win.
    if (!Object.hasOwn(current, 'user') && !Object.hasOwn(current, 'auth')) {
      Object.defineProperties(current, ACCESSORS);
      definedHere.add(current);
    }
    patched.add(current);
  }
  return true;
}

/** The object of `proto`'s chain that owns `name`, or `null`. */
function ownerOf(proto: object, name: string): object | null {
  let current: object | null = proto;
  while (current !== null && !Object.hasOwn(current, name)) current = Object.getPrototypeOf(current) as object | null;
  return current;
}

/**
 * The request's state when its `user` and `auth` are this copy's accessors (an Express request
 * of an app the middleware has seen), `undefined` when they are properties to go through. A
 * request's own `user` defined with `Object.defineProperty` after the middleware ran is not looked
 * for: assignments (passport's included) go through the accessors.
 */
function directState(req: object): RequestState | null | undefined {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (proto === null) return undefined;
  let known = direct.get(proto);
  if (known === undefined) {
    const user = ownerOf(proto, 'user');
    const auth = ownerOf(proto, 'auth');
    known = user !== null && user === auth && definedHere.has(user);
    // A "no" only once the accessors exist: a guard may look before any middleware has run.
    if (known || patched.has(proto)) direct.set(proto, known);
  }
  return known ? (states.get(req) ?? null) : undefined;
}

/**
 * `req.auth`, as the guards read it: through the state where it can, else the property.
 *
 * @example
 * ```ts
 * if (authOf(req)?.isAuthenticated === true) next();
 * ```
 */
export function authOf(req: Request): AuthCredentials | undefined {
  const state = directState(req);
  if (state === undefined) return req.auth;
  return state?.auth ?? AuthCredentials.anonymous;
}

/**
 * Sets `req.auth`, and `req.user` unless `keepUser` says to keep the one already there (a passport
 * session's): through the state where it can, else the properties.
 *
 * @example
 * ```ts
 * identify(req, result.user, result.credentials, (current) => current !== undefined);
 * ```
 */
export function identify(req: Request, user: unknown, auth: AuthCredentials, keepUser: (current: unknown) => boolean): void {
  const state = directState(req);
  if (state === undefined) {
    if (!keepUser(req.user)) req.user = user as Express.User;
    req.auth = auth;
    return;
  }
  const target = state ?? newState(req);
  if (!keepUser(target.user)) target.user = user;
  target.auth = auth;
}

/**
 * Records the middleware's context on a request, and readies `req.user`/`req.auth` for it. The
 * first middleware to see an app's prototype shares its context with every request of that app
 * (no write); another middleware's requests carry their own.
 */
export function enterRequest(req: object, context: AuthContext): void {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (proto !== null && patched.has(proto)) {
    const shared = prototypeContexts.get(proto);
    if (shared === undefined) prototypeContexts.set(proto, context);
    else if (shared !== context) stateOf(req).context = context;
  } else if (adopt(proto)) {
    prototypeContexts.set(proto as object, context);
  } else {
    (req as { [CONTEXT]?: AuthContext })[CONTEXT] = context;
  }
}

/**
 * Gives one request a context of its own (a CORS preflight, which the guards let through),
 * never shared with the other requests of its app. Call it after {@link enterRequest}.
 */
export function overrideContext(req: object, context: AuthContext): void {
  const own = req as { [CONTEXT]?: AuthContext };
  if (own[CONTEXT] !== undefined) own[CONTEXT] = context;
  else stateOf(req).context = context;
}

/** The context of the middleware that saw the request, or `undefined` when none did. */
export function contextOf(req: object): AuthContext | undefined {
  const state = states.get(req)?.context;
  if (state !== undefined) return state;
  // A sub-app's prototype inherits from the app whose middleware ran.
  for (let proto = Object.getPrototypeOf(req) as object | null; isAppRequestPrototype(proto); proto = Object.getPrototypeOf(proto) as object | null) {
    const shared = prototypeContexts.get(proto);
    if (shared !== undefined) return shared;
  }
  // Last: a request without an Express prototype, whose context is its own property (looking up
  // a property that is not there walks the whole prototype chain of an Express request).
  return (req as { [CONTEXT]?: AuthContext })[CONTEXT];
}
