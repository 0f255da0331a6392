import cluster from 'node:cluster';
import { settingsOrExit } from '@pdn/config';
import { createLogger } from '@pdn/logging';
import { runPrimary, STOP_WORKER_MESSAGE } from './cluster.js';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

// Longer than Apollo's drain grace period (10 s), so in-flight operations get theirs first.
const STOP_DEADLINE_MS = 15_000;

const config = settingsOrExit(() => loadGatewayConfig(process.env));
const workers = config.workers ?? 1;
// A worker's lines say which process wrote them.
const logger = cluster.isWorker
  ? createLogger('gateway', config.logLevel).child({ worker: cluster.worker?.id, pid: process.pid })
  : createLogger('gateway', config.logLevel);

if (workers > 1 && cluster.isPrimary) {
  // GATEWAY_WORKERS: this process only forks, watches and stops the workers that serve (cluster.ts).
  runPrimary({ workers, logger, stopDeadlineMs: STOP_DEADLINE_MS });
} else {
  await serve();
}

async function serve(): Promise<void> {
  let gateway: RunningGateway;
  try {
    gateway = await createGateway(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'the gateway could not start');
    process.exit(1);
  }
  logger.info({ url: gateway.url }, `Gateway ready at ${gateway.url}`);

  // A stray rejection (a library's background task, say) must not take every client's requests down with it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let stopping = false;
  async function stop(signal: NodeJS.Signals): Promise<void> {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing in-flight operations');
    setTimeout(() => {
      logger.error('in-flight operations did not finish in time: exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    try {
      await gateway.stop();
      logger.info('gateway stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'the gateway did not stop cleanly');
      process.exit(1);
    }
  }

  if (cluster.isWorker) {
    // A worker stops when its primary says so (the primary got the signal); a Ctrl-C that reaches the
    // whole process group is the primary's to handle, not a second signal here.
    process.on('message', (message) => {
      if (message === STOP_WORKER_MESSAGE) void stop('SIGTERM');
    });
    process.on('SIGINT', () => {});
    process.on('SIGTERM', () => {});
    // An orphaned worker (its primary killed) drains and exits rather than serve unsupervised.
    process.on('disconnect', () => void (stopping || stop('SIGTERM')));
  } else {
    process.on('SIGINT', (signal) => void stop(signal));
    process.on('SIGTERM', (signal) => void stop(signal));
  }
}
