import type { Database } from '@pdn/database';
import type { CalendarSchema } from '../db/calendar.tables.js';

export { CLOCK, systemClock, type Clock } from '@pdn/subgraph';

/** Injection tokens of what the app module is given from outside (see calendar-app.ts). */
export const CALENDAR_DATABASE = Symbol('CALENDAR_DATABASE');
export const CALENDAR_SETTINGS = Symbol('CALENDAR_SETTINGS');

export type CalendarDatabase = Database<CalendarSchema>;
