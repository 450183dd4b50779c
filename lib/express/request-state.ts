import { IncomingMessage } from 'node:http';
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
// A symbol, so the own-property fallback is invisible to JSON, logging and other middleware.
const CONTEXT = Symbol('express-jwt-auth.context');

function stateOf(req: object): RequestState {
  let state = states.get(req);
  if (state === undefined) {
    state = { user: undefined, auth: undefined, context: undefined };
    states.set(req, state);
  }
  return state;
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
    if (!Object.hasOwn(current, 'user') && !Object.hasOwn(current, 'auth')) Object.defineProperties(current, ACCESSORS);
    patched.add(current);
  }
  return true;
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
  const own = (req as { [CONTEXT]?: AuthContext })[CONTEXT];
  if (own !== undefined) return own;
  const state = states.get(req)?.context;
  if (state !== undefined) return state;
  // A sub-app's prototype inherits from the app whose middleware ran.
  for (let proto = Object.getPrototypeOf(req) as object | null; isAppRequestPrototype(proto); proto = Object.getPrototypeOf(proto) as object | null) {
    const shared = prototypeContexts.get(proto);
    if (shared !== undefined) return shared;
  }
  return undefined;
}
