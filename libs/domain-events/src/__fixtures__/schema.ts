import { integer, pgTable, serial, text, uuid } from 'drizzle-orm/pg-core';
import { domainEventCursors, outbox, processedDomainEvents } from '../tables.js';

export { domainEventCursors, outbox, processedDomainEvents };

/** What the test handlers write: one row per application of an event. */
export const effects = pgTable('effects', {
  id: serial('id').primaryKey(),
  eventId: uuid('event_id').notNull(),
  consumer: text('consumer').notNull(),
  value: integer('value').notNull(),
});

/** Something the producer changes in the same transaction as it records an event. */
export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
});

export const fixtureSchema = { outbox, domainEventCursors, processedDomainEvents, effects, accounts };
