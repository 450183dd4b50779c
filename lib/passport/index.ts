// express-jwt-auth/passport: let the guards accept users that passport sessions identify.
export { PassportSessionBackend } from './passport-session-backend';
export type { PassportSessionOptions } from './passport-session-options';
