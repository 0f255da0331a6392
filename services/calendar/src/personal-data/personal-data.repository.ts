import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, getTableColumns } from 'drizzle-orm';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { calendarFeedTokens, events, permanences, presenceLogs, registrations } from '../db/calendar.tables.js';

/** Every row calendar holds about one member, as stored (the service decides what leaves). */
@Injectable()
export class CalendarPersonalDataRepository {
  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  /** One snapshot: the reads share a transaction, so the part is consistent even while the member acts. */
  async rowsOf(memberId: string) {
    return this.database.db.transaction(async (tx) => {
      const registrationRows = await tx
        .select({
          ...getTableColumns(registrations),
          event: { title: events.title, kind: events.kind, startsAt: events.startsAt, endsAt: events.endsAt, department: events.department, status: events.status },
        })
        .from(registrations)
        .innerJoin(events, eq(events.id, registrations.eventId))
        .where(eq(registrations.memberId, memberId))
        .orderBy(asc(events.startsAt), asc(registrations.id));
      const permanenceRows = await tx
        .select()
        .from(permanences)
        .where(eq(permanences.memberId, memberId))
        .orderBy(asc(permanences.weekday), asc(permanences.startTime), asc(permanences.id));
      const presenceRows = await tx
        .select()
        .from(presenceLogs)
        .where(eq(presenceLogs.memberId, memberId))
        .orderBy(asc(presenceLogs.date), asc(presenceLogs.createdAt), asc(presenceLogs.id));
      const organisedRows = await tx.select().from(events).where(eq(events.organizerId, memberId)).orderBy(asc(events.startsAt), asc(events.id));
      const [feedToken] = await tx.select().from(calendarFeedTokens).where(eq(calendarFeedTokens.memberId, memberId));
      return { registrations: registrationRows, permanences: permanenceRows, presenceLogs: presenceRows, organisedEvents: organisedRows, calendarFeedToken: feedToken ?? null };
    });
  }
}
