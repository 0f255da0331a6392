import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, gt, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { batchById } from '@pdn/database';
import { validate } from '@pdn/domain';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { events, type EventRow } from '../db/calendar.tables.js';

/** The database or a transaction: repositories accept either, services only pass it along. */
export type CalendarExecutor = CalendarDatabase['db'];
export type NewEvent = typeof events.$inferInsert;

export interface EventQuery {
  kinds?: string[] | null;
  from?: Date | null;
  to?: Date | null;
  /** Null: every département. */
  departments?: string[] | null;
  themes?: string[] | null;
  statuses: string[];
  /** Where drafts may be listed: the départements the caller coordinates, 'ALL' for admins. */
  draftDepartments: string[] | 'ALL';
}

/** The keyset of the events list: start instant (ISO, millisecond precision as stored from JS) then id. */
export type EventCursor = [startsAt: string, id: string];

@Injectable()
export class EventsRepository {
  /** `event(id)`, `Registration.event` and federation's `_entities` share this batch. */
  readonly findById = batchById((ids) => this.database.db.select().from(events).where(inArray(events.id, ids)));

  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  async page(query: EventQuery, limit: number, after: EventCursor | null): Promise<{ rows: EventRow[]; total: number }> {
    const drafts =
      query.draftDepartments === 'ALL' ? sql`true` : query.draftDepartments.length ? inArray(events.department, query.draftDepartments) : sql`false`;
    const condition = and(
      inArray(events.status, query.statuses),
      or(ne(events.status, 'DRAFT'), drafts),
      query.kinds?.length ? inArray(events.kind, query.kinds) : undefined,
      // Overlap with [from, to]: an event running across `from` is still of interest.
      query.from ? gt(events.endsAt, query.from) : undefined,
      query.to ? lt(events.startsAt, query.to) : undefined,
      query.departments ? inArray(events.department, query.departments) : undefined,
      query.themes?.length ? sql`${events.themes} && ${sql.param(query.themes)}::text[]` : undefined,
    );
    const keyset: SQL | undefined = after ? sql`(${events.startsAt}, ${events.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined;
    const db = this.database.db;
    const [rows, totals] = await Promise.all([
      db
        .select()
        .from(events)
        .where(and(condition, keyset))
        .orderBy(asc(events.startsAt), asc(events.id))
        .limit(limit),
      db.select({ total: count() }).from(events).where(condition),
    ]);
    return { rows, total: Number(totals[0]?.total ?? 0) };
  }

  async insert(values: NewEvent): Promise<EventRow> {
    const [row] = await this.database.db.insert(events).values(values).returning();
    return row!;
  }

  /**
   * Runs `work` in a transaction that holds the event's row lock (`SELECT … FOR UPDATE`). Everything
   * that counts seats (registering, cancelling, deciding, changing the capacity) goes through here,
   * so concurrent calls on one event take turns and each sees the seats the previous one took.
   */
  withLockedEvent<T>(id: string, work: (event: EventRow | null, tx: CalendarExecutor) => Promise<T>): Promise<T> {
    if (!validate.isUuid(id)) return work(null, this.database.db);
    return this.database.db.transaction(async (tx) => {
      const [event] = await tx.select().from(events).where(eq(events.id, id)).for('update');
      return work(event ?? null, tx);
    });
  }

  /** Every change bumps the iCalendar SEQUENCE, so calendar clients replace their copy. */
  async update(exec: CalendarExecutor, id: string, values: Partial<NewEvent>, now: Date): Promise<EventRow> {
    const [row] = await exec
      .update(events)
      .set({ ...values, sequence: sql`${events.sequence} + 1`, updatedAt: now })
      .where(eq(events.id, id))
      .returning();
    return row!;
  }
}
