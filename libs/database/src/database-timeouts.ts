// How long a service waits for its PostgreSQL server, read from the environment like its URL.
//
// Without bounds, a request during a database outage waits as long as the TCP stack lets it: the gateway
// gives up first and the client learns nothing useful. With them, the subgraph answers
// SERVICE_UNAVAILABLE itself, before the gateway's own timeout (SUBGRAPH_TIMEOUT_MS, 5 s by default).

export interface DatabaseTimeouts {
  /**
   * DATABASE_CONNECT_TIMEOUT_MS: how long a query waits for a connection: a new one to the server
   * (a server that accepts TCP but never answers, a failover in progress) or a free one of the pool.
   */
  connectTimeoutMs: number;
  /**
   * DATABASE_STATEMENT_TIMEOUT_MS: the server cancels a statement that runs longer (`statement_timeout`
   * of every pooled connection), so a runaway query cannot hold a connection and its locks. 0: no limit.
   */
  statementTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  // A connection on the same network takes milliseconds; 3 s leaves the subgraph time to answer
  // before the gateway's 5 s timeout.
  connectTimeoutMs: 3_000,
  // Longer than any query a request or a scheduled job makes today, short enough to free a stuck connection.
  statementTimeoutMs: 10_000,
};

/** The timeouts from DATABASE_CONNECT_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS, defaults for unset ones. */
export function databaseTimeoutsFor(env: NodeJS.ProcessEnv = process.env): DatabaseTimeouts {
  return {
    connectTimeoutMs: milliseconds(env, 'DATABASE_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.connectTimeoutMs, { allowZero: false }),
    statementTimeoutMs: milliseconds(env, 'DATABASE_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.statementTimeoutMs, { allowZero: true }),
  };
}

// A typo must stop the service at start, not leave it without a bound.
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number, { allowZero }: { allowZero: boolean }): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || (value === 0 && !allowZero)) {
    throw new Error(`${name} must be a whole number of milliseconds${allowZero ? '' : ' above 0'}, not ${JSON.stringify(raw)}.`);
  }
  return value;
}
