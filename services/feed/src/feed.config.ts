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
  /** CRITICAL alerts are announced again to those who have not acknowledged them, this often. */
  ALERT_REMINDER_MINUTES: positiveInt(15),
  /** Where the members subgraph's events are read from (member.erased), and how. */
  ...membersEventsSettings,
});

export type FeedSettings = z.infer<typeof feedSettingsSchema>;

export function loadFeedSettings(env: Env = process.env): FeedSettings {
  return loadSettings(feedSettingsSchema, env);
}
