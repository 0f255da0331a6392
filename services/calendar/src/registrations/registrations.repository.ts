import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, asc, count, eq, inArray, isNotNull, max, sql } from 'drizzle-orm';
import { batchById } from '@pdn/database';
import { validate } from '@pdn/domain';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { events, registrations, type RegistrationRow } from '../db/calendar.tables.js';
import type { CalendarExecutor } from '../events/events.repository.js';

export interface SeatCounts {
  confirmed: number;
  waitlisted: number;
  pending: number;
  /** Highest waitlist position, 0 when nobody waits. */
  lastPosition: number;
}

/** A registration with the département of its event (who coordinates it may see it). */
export type MemberRegistrationRow = RegistrationRow & { eventDepartment: string };

const NO_SEATS_TAKEN: SeatCounts = { confirmed: 0, waitlisted: 0, pending: 0, lastPosition: 0 };

/**
 * Lookups batched per tick like `batchById`, by any key: every `load` made while resolving one page
 * (or several requests at once) is one statement. Not a cache: each tick reads afresh.
 */
function batchBy<K, V>(fetch: (keys: K[]) => Promise<V[]>, cacheKeyFn?: (key: K) => unknown): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V, unknown>(async (keys) => fetch([...keys]), { cache: false, cacheKeyFn });
  return (key) => loader.load(key);
}

type StatusCount = { status: string; n: number; last: number | null };

function tally(rows: StatusCount[]): SeatCounts {
  const c = { ...NO_SEATS_TAKEN };
  for (const row of rows) {
    if (row.status === 'CONFIRMED') c.confirmed = Number(row.n);
    if (row.status === 'PENDING_APPROVAL') c.pending = Number(row.n);
    if (row.status === 'WAITLISTED') {
      c.waitlisted = Number(row.n);
      c.lastPosition = Number(row.last ?? 0);
    }
  }
  return c;
}

function group<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

@Injectable()
export class RegistrationsRepository {
  readonly findById = batchById((ids) => this.database.db.select().from(registrations).where(inArray(registrations.id, ids)));

  /** Seat counts of many events in one `GROUP BY`. */
  readonly countsOf = batchBy<string, SeatCounts>(async (eventIds) => {
    const rows = await this.database.db
      .select({ eventId: registrations.eventId, status: registrations.status, n: count(), last: max(registrations.waitlistPosition) })
      .from(registrations)
      .where(inArray(registrations.eventId, eventIds))
      .groupBy(registrations.eventId, registrations.status);
    const byEvent = group(rows, (r) => r.eventId);
    return eventIds.map((id) => tally(byEvent.get(id) ?? []));
  });

  /**
   * Every registration of many events, in registration order; those of erased members (detached, still
   * counted in the seats and attendance) are no one's to list.
   */
  readonly ofEvent = batchBy<string, RegistrationRow[]>(async (eventIds) => {
    const rows = await this.database.db
      .select()
      .from(registrations)
      .where(and(inArray(registrations.eventId, eventIds), isNotNull(registrations.memberId)))
      .orderBy(asc(registrations.createdAt), asc(registrations.id));
    const byEvent = group(rows, (r) => r.eventId);
    return eventIds.map((id) => byEvent.get(id) ?? []);
  });

  /** `myRegistration` of a page of events: one statement for the caller (or callers) of this tick. */
  readonly ofMemberForEvent = batchBy<{ memberId: string; eventId: string }, RegistrationRow | null>(
    async (keys) => {
      const memberIds = [...new Set(keys.map((k) => k.memberId))];
      const eventIds = [...new Set(keys.map((k) => k.eventId))];
      const rows = await this.database.db
        .select()
        .from(registrations)
        .where(and(inArray(registrations.memberId, memberIds), inArray(registrations.eventId, eventIds)));
      const found = new Map(rows.map((r) => [`${r.memberId}|${r.eventId}`, r]));
      return keys.map((k) => found.get(`${k.memberId}|${k.eventId}`) ?? null);
    },
    (k) => `${k.memberId}|${k.eventId}`,
  );

  /** `Member.registrations` of many members, ordered by the start of their events. */
  readonly ofMember = batchBy<string, MemberRegistrationRow[]>(async (memberIds) => {
    const valid = memberIds.filter(validate.isUuid);
    const rows = valid.length
      ? await this.database.db
          .select({ registration: registrations, eventDepartment: events.department })
          .from(registrations)
          .innerJoin(events, eq(events.id, registrations.eventId))
          .where(inArray(registrations.memberId, valid))
          .orderBy(asc(events.startsAt), asc(events.id))
      : [];
    const byMember = group(
      rows.map((r) => ({ ...r.registration, eventDepartment: r.eventDepartment })),
      // Never null here: selected by member id.
      (r) => r.memberId ?? '',
    );
    return memberIds.map((id) => byMember.get(id) ?? []);
  });

  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  // What follows runs inside the transaction that holds the event's lock (EventsRepository.withLockedEvent).

  async findIn(exec: CalendarExecutor, id: string): Promise<RegistrationRow | null> {
    const [row] = await exec.select().from(registrations).where(eq(registrations.id, id));
    return row ?? null;
  }

  async findForMember(exec: CalendarExecutor, eventId: string, memberId: string): Promise<RegistrationRow | null> {
    const [row] = await exec
      .select()
      .from(registrations)
      .where(and(eq(registrations.eventId, eventId), eq(registrations.memberId, memberId)));
    return row ?? null;
  }

  async seats(exec: CalendarExecutor, eventId: string): Promise<SeatCounts> {
    const rows = await exec
      .select({ status: registrations.status, n: count(), last: max(registrations.waitlistPosition) })
      .from(registrations)
      .where(eq(registrations.eventId, eventId))
      .groupBy(registrations.status);
    return tally(rows);
  }

  /**
   * One row per member and event: registering again after cancelling reuses the row, as a new
   * registration (new time, attendance and decision forgotten).
   */
  async register(exec: CalendarExecutor, values: { eventId: string; memberId: string; status: string; waitlistPosition: number | null; now: Date }): Promise<RegistrationRow> {
    const fresh = { status: values.status, waitlistPosition: values.waitlistPosition, attended: null, decidedBy: null, createdAt: values.now, updatedAt: values.now };
    const [row] = await exec
      .insert(registrations)
      .values({ eventId: values.eventId, memberId: values.memberId, ...fresh })
      .onConflictDoUpdate({ target: [registrations.eventId, registrations.memberId], set: fresh })
      .returning();
    return row!;
  }

  async update(exec: CalendarExecutor, id: string, values: { status: string; waitlistPosition: number | null; decidedBy?: string | null }, now: Date): Promise<RegistrationRow> {
    const [row] = await exec
      .update(registrations)
      .set({ ...values, updatedAt: now })
      .where(eq(registrations.id, id))
      .returning();
    return row!;
  }

  /**
   * Gives the free seats to the first waitlisted registrations, then renumbers the waitlist 1..n in
   * its order. `capacity` null: no limit, so everyone waiting is confirmed.
   */
  async fillSeats(exec: CalendarExecutor, event: { id: string; capacity: number | null }, now: Date): Promise<void> {
    const { confirmed, waitlisted } = await this.seats(exec, event.id);
    const free = event.capacity === null ? waitlisted : Math.min(waitlisted, Math.max(0, event.capacity - confirmed));
    if (free > 0) {
      const first = exec
        .select({ id: registrations.id })
        .from(registrations)
        .where(and(eq(registrations.eventId, event.id), eq(registrations.status, 'WAITLISTED')))
        .orderBy(asc(registrations.waitlistPosition), asc(registrations.createdAt), asc(registrations.id))
        .limit(free);
      await exec
        .update(registrations)
        .set({ status: 'CONFIRMED', waitlistPosition: null, updatedAt: now })
        .where(inArray(registrations.id, first));
    }
    await exec.execute(sql`
      update ${registrations} as r set waitlist_position = w.position, updated_at = ${now.toISOString()}::timestamptz
      from (
        select id, row_number() over (order by waitlist_position, created_at, id) as position
        from ${registrations} where event_id = ${event.id} and status = 'WAITLISTED'
      ) as w
      where r.id = w.id and r.waitlist_position is distinct from w.position`);
  }

  /** An event is cancelled: so is every registration still standing. Refusals stay refusals. */
  async cancelAll(exec: CalendarExecutor, eventId: string, now: Date): Promise<void> {
    await exec
      .update(registrations)
      .set({ status: 'CANCELLED', waitlistPosition: null, updatedAt: now })
      .where(and(eq(registrations.eventId, eventId), inArray(registrations.status, ['CONFIRMED', 'WAITLISTED', 'PENDING_APPROVAL'])));
  }

  async countAttended(exec: CalendarExecutor, eventId: string): Promise<number> {
    const [row] = await exec
      .select({ n: count() })
      .from(registrations)
      .where(and(eq(registrations.eventId, eventId), eq(registrations.attended, true)));
    return Number(row?.n ?? 0);
  }

  confirmedOf(eventId: string, memberIds: string[]): Promise<RegistrationRow[]> {
    return this.database.db
      .select()
      .from(registrations)
      .where(and(eq(registrations.eventId, eventId), inArray(registrations.memberId, memberIds), eq(registrations.status, 'CONFIRMED')));
  }

  setAttended(eventId: string, memberIds: string[], attended: boolean, now: Date): Promise<RegistrationRow[]> {
    return this.database.db
      .update(registrations)
      .set({ attended, updatedAt: now })
      .where(and(eq(registrations.eventId, eventId), inArray(registrations.memberId, memberIds), eq(registrations.status, 'CONFIRMED')))
      .returning();
  }
}
