import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { validate } from '@pdn/domain';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { permanences, type PermanenceRow } from '../db/calendar.tables.js';
import type { Slot } from './permanence-slots.js';

const order = [asc(permanences.weekday), asc(permanences.startTime), asc(permanences.id)];

@Injectable()
export class PermanencesRepository {
  /**
   * Every `Member.permanences` (and `Member.onlineNow`) of one tick becomes one statement, whatever the
   * number of members on the page. Not a cache: each tick reads afresh.
   */
  private readonly byMember = new DataLoader<string, PermanenceRow[]>(
    async (memberIds) => {
      const ids = [...new Set(memberIds)].filter(validate.isUuid);
      const rows = ids.length ? await this.database.db.select().from(permanences).where(inArray(permanences.memberId, ids)).orderBy(...order) : [];
      const grouped = new Map<string, PermanenceRow[]>();
      for (const row of rows) grouped.set(row.memberId, [...(grouped.get(row.memberId) ?? []), row]);
      return memberIds.map((id) => grouped.get(id) ?? []);
    },
    { cache: false },
  );

  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  forMember(memberId: string): Promise<PermanenceRow[]> {
    return this.byMember.load(memberId);
  }

  /**
   * Replaces the member's whole schedule in one transaction. The advisory lock serialises two
   * replacements of the same member's schedule: without it, each would delete the rows it saw and both
   * inserts would survive, mixing two schedules (and possibly overlapping slots).
   */
  replace(memberId: string, department: string, slots: readonly Slot[]): Promise<PermanenceRow[]> {
    return this.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`permanences:${memberId}`}, 0))`);
      await tx.delete(permanences).where(eq(permanences.memberId, memberId));
      if (!slots.length) return [];
      const rows = await tx
        .insert(permanences)
        .values(slots.map((slot) => ({ memberId, department, ...slot })))
        .returning();
      return rows;
    });
  }

  /**
   * Slots covering a wall-clock moment. HH:MM text compares in time order ("24:00" last) byte by byte,
   * hence the "C" collation whatever the database's own.
   */
  covering(at: { weekday: number; time: string }, departments: string[] | null): Promise<PermanenceRow[]> {
    return this.database.db
      .select()
      .from(permanences)
      .where(
        and(
          eq(permanences.weekday, at.weekday),
          sql`${permanences.startTime} collate "C" <= ${at.time}`,
          sql`${permanences.endTime} collate "C" > ${at.time}`,
          departments ? inArray(permanences.department, departments) : undefined,
        ),
      )
      .orderBy(asc(permanences.startTime), asc(permanences.memberId), asc(permanences.id));
  }
}
