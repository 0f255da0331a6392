import { AsyncLocalStorage } from 'node:async_hooks';
import { counter } from '@pdn/logging/metrics';

/**
 * Where a statement comes from: `request` while a GraphQL request of the service is being answered
 * (see `countStatementsAsRequest`), `background` otherwise (event consumers, the event log served to
 * other services, retention jobs). Requests and background work are told apart so that the statements
 * a page costs can be read without the asynchronous work it sets off.
 */
export type StatementOrigin = 'request' | 'background';

/**
 * `pdn_db_statements_total{service,origin}`: SQL statements the service's queries sent (migrations
 * not included). In production, request statements over the request rate show an N+1 creeping in;
 * the e2e statement-count test reads it before and after each page to prove that the statements a
 * page costs do not grow with its size.
 */
const statements = counter({
  name: 'pdn_db_statements_total',
  help: 'SQL statements sent by the service queries (migrations excluded), by origin: request or background',
  labelNames: ['service', 'origin'] as const,
});

const inRequest = new AsyncLocalStorage<true>();

/** Runs `answer` (a GraphQL request's handling) so that the statements it sends count as `request`. */
export function countStatementsAsRequest<T>(answer: () => T): T {
  return inRequest.run(true, answer);
}

/** What drizzle's logger is given: counts every statement, then hands it to `onQuery` if any. */
export function countingQueryLogger(
  service: string,
  onQuery?: (sql: string, params: unknown[]) => void,
): { logQuery(query: string, params: unknown[]): void } {
  const fromRequest = statements.labels({ service, origin: 'request' });
  const fromBackground = statements.labels({ service, origin: 'background' });
  return {
    logQuery(query: string, params: unknown[]) {
      (inRequest.getStore() ? fromRequest : fromBackground).inc();
      onQuery?.(query, params);
    },
  };
}
