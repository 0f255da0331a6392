import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { calendarFeedTokens, events, registrations, type EventRow } from '../db/calendar.tables.js';

/**
 * Events a feed may show. COMPLETED ones stay so that subscribed calendars keep their history, and
 * CANCELLED ones are written with STATUS:CANCELLED so that calendars remove them; drafts never leave.
 */
export const FEED_EVENT_STATUSES = ['PUBLISHED', 'CANCELLED', 'COMPLETED'];

/**
 * A member's registrations that belong in their feed: the confirmed ones, and the cancelled ones so
 * that an event they left (or that was cancelled, which cancels its registrations) is removed.
 */
export const FEED_REGISTRATION_STATUSES = ['CONFIRMED', 'CANCELLED'];

export interface PublicEventQuery {
  /** Events that end at or after this instant. */
  endingFrom: Date;
  departments: string[];
  kinds: string[];
}

export interface MemberFeedRow {
  event: EventRow;
  registrationStatus: string;
  registrationUpdatedAt: Date;
}

/** The feeds read the events and registrations tables directly: what the other features write there is the contract. */
@Injectable()
export class IcsRepository {
  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  publicEvents(query: PublicEventQuery): Promise<EventRow[]> {
    return this.database.db
      .select()
      .from(events)
      .where(
        and(
          inArray(events.status, FEED_EVENT_STATUSES),
          gte(events.endsAt, query.endingFrom),
          query.departments.length ? inArray(events.department, query.departments) : undefined,
          query.kinds.length ? inArray(events.kind, query.kinds) : undefined,
        ),
      )
      .orderBy(asc(events.startsAt), asc(events.id));
  }

  memberEvents(memberId: string, endingFrom: Date): Promise<MemberFeedRow[]> {
    return this.database.db
      .select({ event: events, registrationStatus: registrations.status, registrationUpdatedAt: registrations.updatedAt })
      .from(registrations)
      .innerJoin(events, eq(events.id, registrations.eventId))
      .where(
        and(
          eq(registrations.memberId, memberId),
          inArray(registrations.status, FEED_REGISTRATION_STATUSES),
          inArray(events.status, FEED_EVENT_STATUSES),
          gte(events.endsAt, endingFrom),
        ),
      )
      .orderBy(asc(events.startsAt), asc(events.id));
  }

  async memberIdForToken(tokenHash: string): Promise<string | null> {
    const [row] = await this.database.db
      .select({ memberId: calendarFeedTokens.memberId })
      .from(calendarFeedTokens)
      .where(eq(calendarFeedTokens.tokenHash, tokenHash));
    return row?.memberId ?? null;
  }

  /** One token per member: a new one replaces the old, which stops working at once. */
  async replaceToken(memberId: string, tokenHash: string, at: Date): Promise<void> {
    await this.database.db
      .insert(calendarFeedTokens)
      .values({ memberId, tokenHash, createdAt: at })
      .onConflictDoUpdate({ target: calendarFeedTokens.memberId, set: { tokenHash, createdAt: at } });
  }

  async tokenCreatedAt(memberId: string): Promise<Date | null> {
    const [row] = await this.database.db
      .select({ createdAt: calendarFeedTokens.createdAt })
      .from(calendarFeedTokens)
      .where(eq(calendarFeedTokens.memberId, memberId));
    return row?.createdAt ?? null;
  }

  async deleteToken(memberId: string): Promise<boolean> {
    const deleted = await this.database.db.delete(calendarFeedTokens).where(eq(calendarFeedTokens.memberId, memberId)).returning({ memberId: calendarFeedTokens.memberId });
    return deleted.length > 0;
  }
}
