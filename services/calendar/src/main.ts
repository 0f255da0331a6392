import 'reflect-metadata';
import { settingsOrExit } from '@pdn/config';
import { createLogger } from '@pdn/logging';
import { closeOnSignals } from '@pdn/subgraph';
import { loadCalendarSettings } from './calendar.config.js';
import { startCalendar } from './calendar-app.js';

const settings = settingsOrExit(() => loadCalendarSettings());
const logger = createLogger('calendar', settings.LOG_LEVEL);
const running = await startCalendar(settings, { logger });
closeOnSignals(running.close, logger);
