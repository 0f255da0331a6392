import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Reads of a member's private fields by someone else (a coordinator, an admin): one row per reader,
 * subject and request, listing the fields. Ids without foreign keys (this file imports nothing from
 * members.tables.ts, which lists it in the schema object): an entry outlives an erasure, the erased
 * member's id then resolving to the anonymised "Ancien membre"; entries go with the retention purge
 * (AUDIT_RETENTION_DAYS).
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 'member' or 'partner'. */
    actorKind: text('actor_kind').notNull(),
    /** The reading member's id, or the partner's API key id. */
    actorId: uuid('actor_id').notNull(),
    subjectId: uuid('subject_id').notNull(),
    fields: text('fields').array().notNull(),
    operationName: text('operation_name'),
    /** Which subgraph served the read: members, or another one whose reads reached members. */
    service: text('service').notNull().default('members'),
    requestId: text('request_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // The log is read newest first, overall or by actor or subject; the purge deletes by age.
    index('audit_entries_at_idx').on(sql`${t.at} desc`, sql`${t.id} desc`),
    index('audit_entries_actor_idx').on(t.actorId, sql`${t.at} desc`),
    index('audit_entries_subject_idx').on(t.subjectId, sql`${t.at} desc`),
  ],
);

export type AuditEntryRow = typeof auditEntries.$inferSelect;
export type NewAuditEntry = typeof auditEntries.$inferInsert;
