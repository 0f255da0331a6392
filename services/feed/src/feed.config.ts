import { loadSettings, port, positiveInt, sharedSettings, z, type Env } from '@pdn/config';
import { membersEventsSettings } from '@pdn/domain-events';

export const feedSettingsSchema = z.object({
  ...sharedSettings,
  FEED_PORT: port(4003),
  FEED_HOST: z.string().default('127.0.0.1'),
  /** PGlite folder when no database URL is set. */
  PGDATA_DIR: z.string().optional(),
  /** Pub/sub between replicas for subscriptions; without it, an in-process engine (one replica). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prepended to the feed's pub/sub channels in Redis: deployments (or test runs) sharing one Redis stay apart. */
  PUBSUB_REDIS_PREFIX: z.string().min(1).default('pdn:feed:'),
  /** CRITICAL alerts are announced again to those who have not acknowledged them, this often. */
  ALERT_REMINDER_MINUTES: positiveInt(15),
  /** How often every replica looks for due CRITICAL reminders (a reminder goes out at most this late); short in tests. */
  ALERT_REMINDERS_TICK_MS: positiveInt(60_000),
  /** Where the members subgraph's events are read from (member.erased), and how. */
  ...membersEventsSettings,
});

export type FeedSettings = z.infer<typeof feedSettingsSchema>;

export function loadFeedSettings(env: Env = process.env): FeedSettings {
  return loadSettings(feedSettingsSchema, env);
}
