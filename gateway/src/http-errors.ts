import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode } from '@pdn/errors';
import type { Logger } from '@pdn/logging';
import { recordOf } from './operation-log.js';
import { queryTooComplex } from './query-limits/query-protection.js';

const CLIENT_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'encoding.unsupported': 'The request body encoding is not supported.',
  'charset.unsupported': 'The request body charset is not supported.',
};

/**
 * Errors raised before Apollo sees the request (mostly the body parser) answered in GraphQL's error
 * shape. Express's own handler would send an HTML page with a stack trace outside production.
 */
export function httpErrorHandler(logger: Logger, { maxRequestBytes }: { maxRequestBytes: number }): ErrorRequestHandler {
  return (error: { status?: unknown; type?: unknown; length?: unknown; received?: unknown }, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error?.type === 'entity.too.large') {
      // The largest limit of any caller (QUERY_LIMITS maxRequestBytes); the caller's own is checked later.
      const found = [error.length, error.received].find((n): n is number => typeof n === 'number');
      const refusal = queryTooComplex('requestBytes', maxRequestBytes, found);
      const record = recordOf(res);
      if (record) record.errorCodes = [refusal.code];
      res.status(413).json({ errors: [{ message: refusal.message, extensions: { ...refusal.extensions, code: refusal.code } }] });
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ requestId: recordOf(res)?.requestId, err: error }, 'unhandled HTTP error');
    const message =
      status === 500
        ? 'Internal server error.'
        : (CLIENT_MESSAGES[String(error.type)] ?? 'The request could not be read.');
    res.status(status).json({
      errors: [{ message, extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_USER_INPUT } }],
    });
  };
}

export function notFound(): RequestHandler {
  return (_req, res) => {
    res.status(404).json({
      errors: [{ message: 'Not found: the GraphQL endpoint is /graphql.', extensions: { code: ErrorCode.NOT_FOUND } }],
    });
  };
}
