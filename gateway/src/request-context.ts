import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '@pdn/identity';

/** What the gateway knows about one HTTP request, for its log line and for errors logged deep inside it. */
export interface RequestRecord {
  requestId: string;
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
