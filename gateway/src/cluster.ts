import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@pdn/logging';

/** Asks a worker to drain and exit (its signals are the primary's to handle). */
export const STOP_WORKER_MESSAGE = 'pdn:gateway:stop';

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** After this long, workers still draining are killed and the primary exits with 1. */
  stopDeadlineMs: number;
  /** A worker that crashed is replaced after this delay (longer if it had not lived long: no busy crash loop). */
  restartDelayMs?: number;
}

/**
 * The primary of GATEWAY_WORKERS > 1: forks the workers, which share the port (node:cluster hands out
 * the connections), replaces a worker that crashes, and on SIGINT/SIGTERM asks each to drain, then
 * exits once all have. Nothing else runs here: no GraphQL, no Redis, no subgraph connections.
 */
export function runPrimary({ workers, logger, stopDeadlineMs, restartDelayMs = 200 }: PrimaryOptions): void {
  let stopping = false;
  let failed = false;
  const listening = new Set<number>();
  const startedAt = new Map<number, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };

  cluster.on('listening', (worker: Worker) => {
    listening.add(worker.id);
    if (listening.size === workers) logger.info({ workers }, 'every gateway worker is listening');
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const wasListening = listening.delete(worker.id);
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info({ failed }, 'every gateway worker stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (!wasListening && listening.size === 0 && code !== 0) {
      // It never served: a configuration or port problem that a restart would only repeat.
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a gateway worker could not start: stopping');
      stopping = true;
      failed = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    const delay = lived < 10_000 ? Math.max(restartDelayMs, 1000) : restartDelayMs;
    logger.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'gateway worker exited: starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping: every worker drains its in-flight operations');
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) worker.send(STOP_WORKER_MESSAGE);
      else worker?.process.kill('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    setTimeout(() => {
      logger.error('gateway workers did not stop in time: killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, stopDeadlineMs + 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  logger.info({ workers }, `starting ${workers} gateway workers`);
  for (let i = 0; i < workers; i++) fork();
}
