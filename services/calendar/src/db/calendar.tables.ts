import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { domainEventCursors, processedDomainEvents } from './domain-events.tables.js';
import { outbox } from './outbox.tables.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** Trainings, workshops, webinars and regroupements. Instants are stored in UTC. */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    location: text('location'),
    onlineUrl: text('online_url'),
    department: text('department').notNull(),
    themes: text('themes').array().notNull().default([]),
    /** Null: no limit. */
    capacity: integer('capacity'),
    joinMode: text('join_mode').notNull().default('OPEN'),
    registrationDeadline: timestamp('registration_deadline', { withTimezone: true }),
    status: text('status').notNull().default('DRAFT'),
    organizerId: uuid('organizer_id').notNull(),
    cancelReason: text('cancel_reason'),
    /** Filled by the closing step. */
    attendedCount: integer('attended_count'),
    closingNotes: text('closing_notes'),
    /** iCalendar SEQUENCE: bumped on every change clients should notice. */
    sequence: integer('sequence').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('events_department_starts_idx').on(t.department, t.startsAt, t.id),
    index('events_starts_idx').on(t.startsAt, t.id),
    index('events_status_idx').on(t.status),
    // The events a coordinator organizes: their personal data, their erasure.
    index('events_organizer_idx').on(t.organizerId, t.startsAt, t.id),
    index('events_themes_idx').using('gin', t.themes),
    check('events_ends_after_start', sql`${t.endsAt} > ${t.startsAt}`),
    check('events_capacity_positive', sql`${t.capacity} is null or ${t.capacity} > 0`),
  ],
);

export const registrations = pgTable(
  'registrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id').notNull().references(() => events.id, { onDelete: 'cascade' }),
    /**
     * Null once the member erased their account: the registration still counts (seats, attendance)
     * but belongs to no one. Unique with event_id only while set (NULLs are distinct).
     */
    memberId: uuid('member_id'),
    status: text('status').notNull(),
    /** 1-based while WAITLISTED, null otherwise; kept contiguous. */
    waitlistPosition: integer('waitlist_position'),
    /** Null until recorded. */
    attended: boolean('attended'),
    decidedBy: uuid('decided_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('registrations_event_member_key').on(t.eventId, t.memberId),
    index('registrations_event_status_idx').on(t.eventId, t.status, t.waitlistPosition),
    index('registrations_member_idx').on(t.memberId, t.status),
    // The decisions of a coordinator who erases their account; most registrations have none.
    index('registrations_decided_by_idx').on(t.decidedBy).where(sql`${t.decidedBy} is not null`),
  ],
);

/** A weekly online slot, in Europe/Paris wall-clock time. */
export const permanences = pgTable(
  'permanences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull(),
    /** The member's département when the slots were set (for `onlineNow(department)`). */
    department: text('department').notNull(),
    /** 1 = Monday … 7 = Sunday (ISO). */
    weekday: smallint('weekday').notNull(),
    /** HH:MM */
    startTime: text('start_time').notNull(),
    endTime: text('end_time').notNull(),
    network: text('network').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('permanences_member_idx').on(t.memberId),
    index('permanences_weekday_idx').on(t.weekday, t.department),
    check('permanences_weekday_range', sql`${t.weekday} between 1 and 7`),
    check('permanences_ends_after_start', sql`${t.endTime} collate "C" > ${t.startTime} collate "C"`),
  ],
);

export interface StoredRequestCount {
  category: string;
  count: number;
}

/** Time actually spent online, with anonymous counts only: never anything about a young person. */
export const presenceLogs = pgTable(
  'presence_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull(),
    department: text('department').notNull(),
    /** The member's structure that day (from the signed identity), for reports by structure. */
    structureId: uuid('structure_id'),
    date: date('date', { mode: 'string' }).notNull(),
    minutes: integer('minutes').notNull(),
    network: text('network').notNull(),
    contacts: integer('contacts').notNull().default(0),
    requests: jsonb('requests').$type<StoredRequestCount[]>().notNull().default([]),
    themes: text('themes').array().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    index('presence_logs_member_date_idx').on(t.memberId, t.date),
    index('presence_logs_department_date_idx').on(t.department, t.date),
    index('presence_logs_structure_date_idx').on(t.structureId, t.date),
    // The retention purge takes the oldest logs of every département.
    index('presence_logs_date_idx').on(t.date),
    check('presence_logs_minutes_range', sql`${t.minutes} between 1 and 1440`),
    check('presence_logs_contacts_positive', sql`${t.contacts} >= 0`),
  ],
);

/**
 * What survives of an erased member's presence logs: their figures folded into anonymous monthly
 * totals per département (no member, no structure, no day), so the yearly bilan keeps its counts.
 * `entries` counts the logs folded in. Written by the erasure handler, read by the statistics.
 */
export const anonymousPresence = pgTable(
  'anonymous_presence',
  {
    department: text('department').notNull(),
    /** First day of the month, Europe/Paris. */
    month: date('month', { mode: 'string' }).notNull(),
    entries: integer('entries').notNull().default(0),
    minutes: integer('minutes').notNull().default(0),
    contacts: integer('contacts').notNull().default(0),
    requests: jsonb('requests').$type<StoredRequestCount[]>().notNull().default([]),
  },
  (t) => [uniqueIndex('anonymous_presence_department_month_key').on(t.department, t.month)],
);

/** The secret of a member's private iCalendar feed, stored hashed; rotating it replaces the row. */
export const calendarFeedTokens = pgTable('calendar_feed_tokens', {
  memberId: uuid('member_id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
});

export const calendarSchema = {
  events,
  registrations,
  permanences,
  presenceLogs,
  anonymousPresence,
  calendarFeedTokens,
  domainEventCursors,
  processedDomainEvents,
  outbox,
};
export type CalendarSchema = typeof calendarSchema;
export type EventRow = typeof events.$inferSelect;
export type RegistrationRow = typeof registrations.$inferSelect;
export type PermanenceRow = typeof permanences.$inferSelect;
export type PresenceLogRow = typeof presenceLogs.$inferSelect;
