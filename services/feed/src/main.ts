import 'reflect-metadata';
import { settingsOrExit } from '@pdn/config';
import { createLogger } from '@pdn/logging';
import { closeOnSignals } from '@pdn/subgraph';
import { loadFeedSettings } from './feed.config.js';
import { startFeed } from './feed-app.js';

const settings = settingsOrExit(() => loadFeedSettings());
const logger = createLogger('feed', settings.LOG_LEVEL);
const running = await startFeed(settings, { logger });
closeOnSignals(running.close, logger);
