import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The tables of the mechanism. A service lists the ones it needs in its own schema object (and in its
// drizzle.config.ts), so its migrations create them in its own database or schema:
//  - a producer: `outbox`;
//  - a consumer: `domainEventCursors` and `processedDomainEvents`.

/**
 * A producer's domain events, written in the same transaction as the change they announce
 * (`recordEvent`) and served to the other subgraphs as an ordered log (`GET /events?after=`).
 * `position` orders the log: `recordEvent` serialises the writers of one outbox, so positions are
 * committed in increasing order and a reader never skips one that commits late.
 */
export const outbox = pgTable(
  'outbox',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique().defaultRandom(),
    type: text('type').notNull(),
    /** Version of the payload's shape for this type: consumers may handle several. */
    version: integer('version').notNull().default(1),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_occurred_idx').on(t.occurredAt)],
);

/** A consumer's place in each producer's log: the last position it has handled. */
export const domainEventCursors = pgTable('domain_event_cursors', {
  producer: text('producer').primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The events a consumer has applied, by id: written in the transaction that applies one, so a
 * redelivered event (the same id again) is recognised and not applied twice.
 */
export const processedDomainEvents = pgTable(
  'processed_domain_events',
  {
    eventId: uuid('event_id').primaryKey(),
    producer: text('producer').notNull(),
    type: text('type').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('processed_domain_events_processed_idx').on(t.processedAt)],
);

export type OutboxRow = typeof outbox.$inferSelect;
