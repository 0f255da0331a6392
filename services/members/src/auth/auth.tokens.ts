/**
 * Injection tokens of the identity feature. SIGNING_KEY_SOURCE and AUTH_LOGGER are optional
 * overrides: without them the key source follows the settings (see signingKeySourceFromSettings) and
 * log lines go to a pino logger at LOG_LEVEL.
 */
export const SIGNING_KEY_SOURCE = Symbol('SIGNING_KEY_SOURCE');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const AUTH_LOGGER = Symbol('AUTH_LOGGER');

/** The part of a pino logger the identity code uses. */
export interface AuthLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
