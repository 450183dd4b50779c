/**
 * express-jwt-auth/passport: let the guards accept users that passport sessions identify.
 *
 * @module express-jwt-auth/passport
 */
export { PassportSessionBackend } from './passport-session-backend';
export type { PassportSessionOptions } from './passport-session-options';
