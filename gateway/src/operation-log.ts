import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { REQUEST_ID_HEADER } from '@pdn/identity';
import { type Logger, requestIdFrom } from '@pdn/logging';
import { counter, histogram, LATENCY_BUCKETS, secondsSince } from '@pdn/logging/metrics';
import { childOf, formatTraceparent, newTrace, parseTraceparent, TRACEPARENT_HEADER } from '@pdn/logging/trace-context';
import { currentRequest, type RequestRecord } from './request-context.js';
import type { GatewayContext } from './subgraph-data-source.js';

export function recordOf(res: Response): RequestRecord {
  return res.locals.pdnRequest as RequestRecord;
}

/**
 * Gives every request an id, the client's own when it is a short printable token (so a caller can follow
 * one request across systems, but not forge log lines), and returns it in `x-request-id`. Joins the
 * client's W3C trace when its `traceparent` is valid (else starts one) and returns the gateway's span in
 * `traceparent`.
 */
export function identifyRequests(): RequestHandler {
  return (req, res, next) => {
    const record: RequestRecord = {
      requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]),
      trace: traceFrom(req.headers[TRACEPARENT_HEADER]),
      startedAt: process.hrtime.bigint(),
    };
    res.locals.pdnRequest = record;
    res.set(REQUEST_ID_HEADER, record.requestId);
    res.set(TRACEPARENT_HEADER, formatTraceparent(record.trace));
    next();
  };
}

function traceFrom(header: string | string[] | undefined) {
  const incoming = parseTraceparent(header);
  return incoming ? childOf(incoming) : newTrace();
}

/** The `childTraceparent` of a GraphQL context: each subgraph fetch is a new span of the request's trace. */
export function childTraceparentOf(record: Pick<RequestRecord, 'trace'>): () => string {
  return () => formatTraceparent(childOf(record.trace));
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

const OPERATION_LABELS = ['operation', 'type', 'outcome'] as const;
const operationDuration = histogram({
  name: 'pdn_gateway_operation_duration_seconds',
  help: 'Duration of GraphQL requests over HTTP, by operation name, type and outcome',
  labelNames: OPERATION_LABELS,
  buckets: LATENCY_BUCKETS,
});
const operationsTotal = counter({
  name: 'pdn_gateway_operations_total',
  help: 'GraphQL requests over HTTP, by operation name, type and outcome',
  labelNames: OPERATION_LABELS,
});

/**
 * A metric label: the operation's name when it is a short plain GraphQL name, else `anonymous`.
 * Clients choose names, so past the first MAX_LABELLED_OPERATIONS distinct ones the rest share `other`.
 */
const LABELLED_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_LABELLED_OPERATIONS = 500;
const labelledOperations = new Set<string>();
export function operationLabel(name: string | undefined): string {
  if (!name || !LABELLED_NAME.test(name)) return 'anonymous';
  if (labelledOperations.has(name)) return name;
  if (labelledOperations.size >= MAX_LABELLED_OPERATIONS) return 'other';
  labelledOperations.add(name);
  return name;
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
      const operationName = record.operationName ?? operationNameSent(req);
      const outcome = outcomeOf(record, res.statusCode, res.writableFinished);
      const seconds = secondsSince(record.startedAt);
      const labels = { operation: operationLabel(operationName), type: record.operationType ?? 'unknown', outcome };
      operationDuration.observe(labels, seconds);
      operationsTotal.inc(labels);
      logger.info(
        {
          requestId: record.requestId,
          traceId: record.trace.traceId,
          spanId: record.trace.spanId,
          operationName,
          operationType: record.operationType,
          httpStatus: res.statusCode,
          durationMs: Math.round(seconds * 1e5) / 100,
          outcome,
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
