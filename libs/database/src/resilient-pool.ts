import pg from 'pg';

/**
 * A pg pool whose checked-out connections cannot take the process down or leak when the server goes
 * away (restart, failover, crash), so that the service survives an outage and gets its whole pool back.
 *
 * pg-pool listens for errors only on idle connections, and `pool.query` on its own ones. A connection
 * checked out with `connect()` (drizzle does so for every transaction) has no listener: if the server
 * ends it between two statements (`terminating connection due to administrator command`), node-postgres
 * emits an 'error' nobody handles, an uncaught exception that kills the process. And drizzle 0.45 sends
 * `begin` before its try/finally: when that fails, the connection is never released and the pool counts
 * it as busy forever, one slot less after each outage until none is left.
 *
 * Here a checked-out connection that breaks is released to the pool at once, with its error, so the
 * pool discards it; the holder's later `release()` is then a no-op, and its next query fails with a
 * "not queryable" error, which is what it would get anyway. drizzle accepts the subclass as a pool.
 */
export class ResilientPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    // The callback form is pg-pool's own `query`, which guards its connection itself.
    if (callback) return super.connect(callback);
    return super.connect().then(guardCheckedOut);
  }
}

function guardCheckedOut(client: pg.PoolClient): pg.PoolClient {
  const releaseToPool = client.release.bind(client);
  let released = false;
  const release = (error?: Error | boolean) => {
    if (released) return;
    released = true;
    client.removeListener('error', lost);
    releaseToPool(error);
  };
  function lost(error: Error) {
    release(error);
  }
  client.on('error', lost);
  client.release = release;
  return client;
}
