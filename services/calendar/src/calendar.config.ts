import { loadSettings, port, positiveInt, sharedSettings, z, type Env } from '@pdn/config';
import { membersEventsSettings } from '@pdn/domain-events';

export const calendarSettingsSchema = z.object({
  ...sharedSettings,
  CALENDAR_PORT: port(4002),
  CALENDAR_HOST: z.string().default('127.0.0.1'),
  /** PGlite folder when no database URL is set. */
  PGDATA_DIR: z.string().optional(),
  /** Time zone of permanences and of the wall-clock times shown to members. */
  CALENDAR_TIME_ZONE: z.literal('Europe/Paris').default('Europe/Paris'),
  /** Public base URL of the gateway, written into iCalendar feeds and links. */
  PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:4000'),
  /** Presence logs older than this many days (3 years by default) are deleted by the retention job. */
  PRESENCE_RETENTION_DAYS: positiveInt(1095),
  /** How often every replica runs the presence-log retention (daily); short in tests. */
  PRESENCE_RETENTION_EVERY_MS: positiveInt(24 * 60 * 60_000),
  /** Where the members subgraph's events are read from (member.erased), and how. */
  ...membersEventsSettings,
  /** Calendar's own domain events (GET /events: audit.private-read, read by members) are kept this long, then purged. */
  OUTBOX_RETENTION_DAYS: positiveInt(30),
});

export type CalendarSettings = z.infer<typeof calendarSettingsSchema>;

export function loadCalendarSettings(env: Env = process.env): CalendarSettings {
  return loadSettings(calendarSettingsSchema, env);
}
