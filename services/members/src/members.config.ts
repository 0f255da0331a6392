import { loadSettings, port, positiveInt, sharedSettings, z, type Env } from '@pdn/config';
import { eventConsumerSettings } from '@pdn/domain-events';

export const membersSettingsSchema = z.object({
  ...sharedSettings,
  MEMBERS_PORT: port(4001),
  MEMBERS_HOST: z.string().default('127.0.0.1'),
  /** PGlite folder when no database URL is set. */
  PGDATA_DIR: z.string().optional(),
  /** PEM (PKCS#8) Ed25519 private key that signs access tokens; generated into .data in development. */
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_ISSUER: z.string().default('pdn-members'),
  JWT_AUDIENCE: z.string().default('pdn-api'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30),
  INVITATION_TTL_DAYS: positiveInt(7),
  LOGIN_MAX_FAILURES: positiveInt(5),
  LOGIN_LOCK_MINUTES: positiveInt(15),
  /** The charter version members must accept before they can be made ACTIVE. */
  CHARTER_VERSION: z.string().default('2024-1'),
  PDN_ADMIN_EMAIL: z.string().email().optional(),
  PDN_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** Domain events (GET /events, read by calendar and feed) are kept this long, then purged. */
  OUTBOX_RETENTION_DAYS: positiveInt(30),
  /** Entries of the audit log of private reads older than this are purged (default 3 years). */
  AUDIT_RETENTION_DAYS: positiveInt(1095),
  /** How often every replica tries the audit purge (one of them gets it each round); short in tests. */
  AUDIT_RETENTION_EVERY_MS: positiveInt(6 * 3_600_000),
  /** The other subgraphs, asked for their part of a member's `myPersonalData` (as the gateway reaches them). */
  CALENDAR_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:4002/graphql'),
  FEED_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:4003/graphql'),
  /** How long `myPersonalData` waits for each other subgraph's part; below the gateway's timeout for members. */
  PERSONAL_DATA_TIMEOUT_MS: positiveInt(4000),
  /** Calendar's event log (audit.private-read), when it is not at `/events` beside CALENDAR_URL. */
  CALENDAR_EVENTS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** How calendar's event log is followed (long poll, retries while calendar is unreachable). */
  ...eventConsumerSettings,
});

export type MembersSettings = z.infer<typeof membersSettingsSchema>;

export function loadMembersSettings(env: Env = process.env): MembersSettings {
  return loadSettings(membersSettingsSchema, env);
}
