import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { type Logger, requestIdFrom } from '@pdn/logging';
import { currentRequest, type RequestRecord } from './request-context.js';
import type { GatewayContext } from './subgraph-data-source.js';

export function recordOf(res: Response): RequestRecord {
  return res.locals.pdnRequest as RequestRecord;
}

/**
 * Gives every request an id, the client's own when it is a short printable token (so a caller can follow
 * one request across systems, but not forge log lines), and returns it in `x-request-id`.
 */
export function identifyRequests(): RequestHandler {
  return (req, res, next) => {
    const record: RequestRecord = {
      requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]),
      startedAt: process.hrtime.bigint(),
    };
    res.locals.pdnRequest = record;
    res.set(REQUEST_ID_HEADER, record.requestId);
    next();
  };
}

function operationNameSent(req: Request): string | undefined {
  const name = (req.body as { operationName?: unknown } | undefined)?.operationName ?? req.query.operationName;
  return typeof name === 'string' ? name.slice(0, 100) : undefined;
}

function outcomeOf(record: RequestRecord, status: number, finished: boolean): string {
  if (!finished) return 'aborted';
  if (!record.errorCodes) return status < 400 ? 'ok' : 'error';
  if (record.errorCodes.length === 0) return 'ok';
  return record.hasData ? 'partial' : 'error';
}

/**
 * One log line per GraphQL request, written when the response is done, so requests refused before
 * GraphQL runs (CSRF, bad token, body too large) are logged too. Never the query text, variables or
 * headers: they may hold personal data and credentials.
 */
export function logOperations(logger: Logger): RequestHandler {
  return (req, res, next) => {
    res.once('close', () => {
      if (req.method === 'OPTIONS' || String(res.getHeader('content-type') ?? '').startsWith('text/html')) return;
      const record = recordOf(res);
      const caller = record.caller;
      logger.info(
        {
          requestId: record.requestId,
          operationName: record.operationName ?? operationNameSent(req),
          operationType: record.operationType,
          httpStatus: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - record.startedAt) / 1e4) / 100,
          outcome: outcomeOf(record, res.statusCode, res.writableFinished),
          errorCodes: record.errorCodes?.length ? [...new Set(record.errorCodes)] : undefined,
          caller: caller?.kind,
          memberId: caller?.kind === 'member' ? caller.memberId : undefined,
          apiKeyId: caller?.kind === 'partner' ? caller.apiKeyId : undefined,
        },
        'graphql operation',
      );
    });
    next();
  };
}

/** Fills the request's record with what only GraphQL knows: the operation and the errors sent back. */
export function operationLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const record = currentRequest();
          if (!record) return;
          record.operationName = operationName ?? undefined;
          record.operationType = operation?.operation;
        },
        async willSendResponse({ response, contextValue }) {
          const record = currentRequest();
          if (!record) return;
          record.caller = contextValue.caller;
          if (response.body.kind === 'single') {
            const { data, errors } = response.body.singleResult;
            record.errorCodes = (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
            record.hasData = data !== null && data !== undefined;
          }
        },
      };
    },
  };
}
