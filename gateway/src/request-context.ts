import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '@pdn/identity';
import type { TraceContext } from '@pdn/logging/trace-context';
import type { TracedSpan } from '@pdn/logging/tracing';

/** What the gateway knows about one HTTP request, for its log line and for errors logged deep inside it. */
export interface RequestRecord {
  requestId: string;
  /** The gateway's span in the W3C trace: the client's trace when it sent a valid `traceparent`, else a new one. */
  trace: TraceContext;
  /** The client's valid `traceparent`, which the gateway's span continues. */
  incomingTrace?: TraceContext;
  /** The gateway's SERVER span of the request (GraphQL operations, calendar feeds); `trace` is its position. */
  span?: TracedSpan;
  startedAt: bigint;
  operationName?: string;
  operationType?: string;
  caller?: Caller;
  /** Codes of the errors sent to the client, once Apollo has formatted them. */
  errorCodes?: string[];
  hasData?: boolean;
}

const storage = new AsyncLocalStorage<RequestRecord>();

/** The record of the request being served, wherever the code runs (e.g. Apollo's `formatError`). */
export function currentRequest(): RequestRecord | undefined {
  return storage.getStore();
}

export function runInRequest<T>(record: RequestRecord, fn: () => T): T {
  return storage.run(record, fn);
}

declare module './subgraph-data-source.js' {
  interface GatewayContext {
    /** The operation's span: each subgraph fetch is a CLIENT span under it, whose position its `traceparent` carries. */
    operationSpan?: TracedSpan;
  }
}
