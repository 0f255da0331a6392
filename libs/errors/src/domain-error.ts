import { ErrorCode } from './error-codes.js';

export interface DomainErrorDetails {
  /** Input path of the offending argument, e.g. `input.email`. */
  field?: string;
  /** Extra machine-readable facts, copied into `extensions` (e.g. `retryAfterSeconds`). */
  extensions?: Record<string, unknown>;
}

/**
 * An expected failure raised by a service: its message is written for the API's users and is always
 * shown; its code is one of the contract's. Anything that is not a DomainError is an internal error.
 */
export class DomainError extends Error {
  readonly field?: string;
  readonly extensions: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.field = details.field;
    this.extensions = details.extensions ?? {};
  }
}

export const unauthenticated = (message = 'Sign in to do this.') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this.') =>
  new DomainError(ErrorCode.FORBIDDEN, message);
export const badInput = (field: string, message: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, { field });
export const notFound = (what: string, id?: string) =>
  new DomainError(ErrorCode.NOT_FOUND, id ? `${what} ${id} was not found.` : `${what} was not found.`);
export const conflict = (message: string, field?: string) =>
  new DomainError(ErrorCode.CONFLICT, message, { field });
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError(ErrorCode.RATE_LIMITED, message, { extensions: { retryAfterSeconds } });
export const serviceUnavailable = (message: string, extensions: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, message, { extensions });
