import { loadSettings, port, positiveInt, sharedSettings, z, type Env } from '@pdn/config';

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
});

export type MembersSettings = z.infer<typeof membersSettingsSchema>;

export function loadMembersSettings(env: Env = process.env): MembersSettings {
  return loadSettings(membersSettingsSchema, env);
}
