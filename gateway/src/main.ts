import { settingsOrExit } from '@pdn/config';
import { createLogger } from '@pdn/logging';
import { createGateway, type RunningGateway } from './create-gateway.js';
import { loadGatewayConfig } from './gateway.config.js';

// Longer than Apollo's drain grace period (10 s), so in-flight operations get theirs first.
const STOP_DEADLINE_MS = 15_000;

const config = settingsOrExit(() => loadGatewayConfig(process.env));
const logger = createLogger('gateway', config.logLevel);

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

process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));
