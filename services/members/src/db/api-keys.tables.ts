import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Partner applications' API keys. Only the SHA-256 of the secret is kept: the secret is shown once, to
 * whoever created the key. `created_by` and `revoked_by` are member ids without a foreign key (this
 * file stays free of imports from members.tables.ts, which lists it in the schema object); a member
 * erased later resolves to the anonymised "Ancien membre", and erasure revokes the keys they created.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    /** INSEE codes of the départements whose data the key reaches. */
    departments: text('departments').array().notNull(),
    /** The key may only run the operations of the gateway's safelist. */
    persistedOnly: boolean('persisted_only').notNull().default(false),
    /** Requests per minute; null: the gateway's default for keys. */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Updated at most about once a minute by verification, not on every request. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [
    uniqueIndex('api_keys_secret_hash_key').on(t.secretHash),
    // Coordinators list the keys that reach their départements (array overlap).
    index('api_keys_departments_idx').using('gin', t.departments),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
