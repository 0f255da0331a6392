import 'reflect-metadata';
import { settingsOrExit } from '@pdn/config';
import { createLogger } from '@pdn/logging';
import { closeOnSignals } from '@pdn/subgraph';
import { loadMembersSettings } from './members.config.js';
import { startMembers } from './members-app.js';

const settings = settingsOrExit(() => loadMembersSettings());
const logger = createLogger('members', settings.LOG_LEVEL);
const running = await startMembers(settings, { logger });
closeOnSignals(running.close, logger);
