/**
 * Injection tokens of the identity feature.
 *
 * SIGNING_KEY_SOURCE and AUTH_LOGGER are optional: the app module may provide them globally (a key
 * source for tests or a secrets manager, the process's pino logger); without them the key follows the
 * settings (see signingKeySourceFromSettings) and log lines go to a pino logger at LOG_LEVEL.
 * SIGNING_KEY and AUTH_LOG are what AuthModule resolves from them, for its own providers.
 */
export const SIGNING_KEY_SOURCE = Symbol('SIGNING_KEY_SOURCE');
export const AUTH_LOGGER = Symbol('AUTH_LOGGER');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const AUTH_LOG = Symbol('AUTH_LOG');

/** The part of a pino logger the identity code uses. */
export interface AuthLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
