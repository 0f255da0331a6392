import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { DomainError } from './domain-error.js';
import { ErrorCode, isErrorCode } from './error-codes.js';
import { isServiceUnavailableError, SERVICE_UNAVAILABLE_MESSAGE } from './unavailable.js';

export interface FormatErrorOptions {
  /** Development only: keep stack traces and internal messages. */
  exposeInternals: boolean;
  /** Called with every unexpected error, for the logs. */
  onInternalError?: (error: unknown) => void;
}

const GRAPHQL_VALIDATION_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: ErrorCode.BAD_USER_INPUT,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.BAD_USER_INPUT,
  BAD_REQUEST: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BAD_USER_INPUT,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_USER_INPUT,
  // Apollo's code for variables of the wrong type: kept, and given the field it concerns.
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
};

function originalOf(error: unknown): unknown {
  let current = error;
  // Apollo and graphql-js wrap resolver errors; the domain error is the innermost `originalError`.
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * The one place where errors become what clients see. Domain errors keep their message and code;
 * GraphQL's own validation errors become BAD_USER_INPUT; a database out of reach (refused, lost or
 * timed-out connection) is SERVICE_UNAVAILABLE; anything else is INTERNAL_SERVER_ERROR with a
 * neutral message, no stack and no SQL, unless `exposeInternals` (development).
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: FormatErrorOptions,
): GraphQLFormattedError {
  const original = originalOf(error);
  const { stacktrace: _stack, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const withStack = (ext: Record<string, unknown>) =>
    options.exposeInternals && _stack ? { ...ext, stacktrace: _stack } : ext;

  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: withStack({
        ...original.extensions,
        code: original.code,
        ...(original.field ? { field: original.field } : {}),
      }),
    };
  }

  const code = extensions.code;
  if (typeof code === 'string' && GRAPHQL_VALIDATION_CODES[code]) {
    const field = extensions.field ?? invalidValuePath(formatted.message, error);
    return {
      ...formatted,
      extensions: withStack({ ...extensions, code: GRAPHQL_VALIDATION_CODES[code], ...(field ? { field } : {}) }),
    };
  }
  // Errors that already carry a contract code (from a subgraph, forwarded by the gateway) pass as they are.
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { ...formatted, extensions: withStack(extensions) };
  }

  options.onInternalError?.(original ?? error);
  // The database (or another backing server) is out of reach: nothing is wrong with the request, and
  // the client may try again. Development keeps the driver's message to see which server it was.
  if (isServiceUnavailableError(original ?? error)) {
    return {
      message: options.exposeInternals ? formatted.message : SERVICE_UNAVAILABLE_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: withStack({ code: ErrorCode.SERVICE_UNAVAILABLE }),
    };
  }
  if (options.exposeInternals) {
    return { ...formatted, extensions: withStack({ ...extensions, code: ErrorCode.INTERNAL_SERVER_ERROR }) };
  }
  return {
    message: 'Internal server error.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * Where graphql-js found a value of the wrong type, so BAD_USER_INPUT names the field as our own
 * validation does: from a variable (`Variable "$input" got invalid value … at "input.date"`), or from
 * a literal in the document (the argument or input field written just before the value).
 */
function invalidValuePath(message: string, error: unknown): string | undefined {
  const variable = /^Variable "\$([\w]+)" got invalid value(?:.*? at "([^"]+)")?/s.exec(message);
  if (variable) return variable[2] ?? variable[1];
  if (typeof error !== 'object' || error === null) return undefined;
  // Not `instanceof GraphQLError`: the error may come from another copy of graphql-js (Apollo's).
  const { nodes, positions, source } = error as Partial<GraphQLError>;
  const location = nodes?.[0]?.loc;
  const position = positions?.[0] ?? location?.start;
  const body = source?.body ?? location?.source.body;
  return position === undefined || !body ? undefined : fieldWrittenBefore(body, position);
}

/** `from` in `presenceReport(from: "2026-02-30")`, given the offset of the value. */
function fieldWrittenBefore(document: string, offset: number): string | undefined {
  return /([_A-Za-z][_0-9A-Za-z]*)\s*:\s*$/.exec(document.slice(0, offset))?.[1];
}
