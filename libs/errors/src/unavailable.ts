// Errors that say a backing server (PostgreSQL) cannot serve right now, rather than that the code or
// the request is wrong: the client should try again later (SERVICE_UNAVAILABLE), not report a bug
// (INTERNAL_SERVER_ERROR). Recognised by the codes the driver and Node put on them, never by importing
// a driver: these errors reach the formatter wrapped by drizzle (`cause`) and by graphql-js.

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), 53 (insufficient
 * resources: too many connections, out of memory or disk), 57P01-57P05 (the server is shutting down,
 * crashed, starting up or in recovery; idle-session timeout) and 57014 (statement cancelled, here
 * by DATABASE_STATEMENT_TIMEOUT_MS).
 */
function isUnavailableSqlState(code: string): boolean {
  return /^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-5]$/.test(code) || code === '57014';
}

/** Node's codes for a peer that cannot be reached or went away. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * node-postgres and pg-pool raise these as plain Errors, without a code: a connection the server
 * closed, a connection or pool wait that timed out, a client already broken by one of these. Also
 * after a `prefix: ` (members rewrites query errors to drop their parameters, keeping the message).
 */
const DRIVER_MESSAGES = [
  /Connection terminated( unexpectedly| due to connection timeout)?$/,
  /timeout exceeded when trying to connect$/,
  /timeout expired$/,
  /Client has encountered a connection error and is not queryable$/,
  /Client was closed and is not queryable$/,
  /Query read timeout$/,
].map((pattern) => new RegExp(`(?:^|: )${pattern.source}`));

const MAX_DEPTH = 8;

/** Whether `error`, or an error it wraps (`cause`, `originalError`, AggregateError), is a backing server out of reach. */
export function isServiceUnavailableError(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, originalError, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || isUnavailableSqlState(code))) return true;
  if (typeof message === 'string' && error instanceof Error && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Connecting to a host name that resolves to several addresses fails with every attempt's error.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isServiceUnavailableError(inner, depth + 1))) return true;
  return isServiceUnavailableError(cause, depth + 1) || isServiceUnavailableError(originalError, depth + 1);
}

/** What clients read during an outage: no SQL, no host, nothing but what to do. */
export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable. Try again in a moment.';
