/**
 * Injection tokens of the identity feature.
 *
 * SIGNING_KEY_SOURCE and AUTH_LOGGER may be provided globally by the app module (a key source for
 * tests or a secrets manager; the process's pino logger). Without them AuthModule builds the key
 * source from the settings (see signingKeySourceFromSettings) and logs through a pino logger at
 * LOG_LEVEL. KEY_SOURCE_IN_USE and AUTH_LOG are what AuthModule resolved, for its own providers and
 * InvitationsModule (AuthModule cannot provide the public tokens itself: that would hide the
 * app module's).
 */
export const SIGNING_KEY_SOURCE = Symbol('SIGNING_KEY_SOURCE');
export const AUTH_LOGGER = Symbol('AUTH_LOGGER');
export const KEY_SOURCE_IN_USE = Symbol('KEY_SOURCE_IN_USE');
export const AUTH_LOG = Symbol('AUTH_LOG');

/** The part of a pino logger the identity code uses. */
export interface AuthLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
