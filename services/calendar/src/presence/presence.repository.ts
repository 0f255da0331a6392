import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, between, desc, eq, inArray, sql } from 'drizzle-orm';
import { validate } from '@pdn/domain';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { presenceLogs, type PresenceLogRow } from '../db/calendar.tables.js';

export type NewPresenceLog = typeof presenceLogs.$inferInsert;

export interface PresenceTotals {
  minutesLogged: number;
  contacts: number;
}

export interface DepartmentPresence {
  rows: (PresenceTotals & { memberId: string })[];
  requests: Map<string, number>;
}

interface RangeKey {
  memberId: string;
  from: string;
  to: string;
}

const minutesSum = sql<string>`coalesce(sum(${presenceLogs.minutes}), 0)`;
const contactsSum = sql<string>`coalesce(sum(${presenceLogs.contacts}), 0)`;

@Injectable()
export class PresenceRepository {
  /**
   * `Member.presence` for a whole page of members (federation's `_entities`) in one statement per
   * period asked for, usually one. Not a cache: each tick reads afresh.
   */
  private readonly totals = new DataLoader<RangeKey, PresenceTotals>(
    async (keys) => {
      const ranges = new Map<string, { from: string; to: string; memberIds: Set<string> }>();
      for (const key of keys) {
        const id = `${key.from}/${key.to}`;
        const range = ranges.get(id) ?? { from: key.from, to: key.to, memberIds: new Set<string>() };
        if (validate.isUuid(key.memberId)) range.memberIds.add(key.memberId);
        ranges.set(id, range);
      }
      const found = new Map<string, PresenceTotals>();
      await Promise.all(
        [...ranges].map(async ([id, range]) => {
          if (!range.memberIds.size) return;
          const rows = await this.database.db
            .select({ memberId: presenceLogs.memberId, minutes: minutesSum, contacts: contactsSum })
            .from(presenceLogs)
            .where(and(inArray(presenceLogs.memberId, [...range.memberIds]), between(presenceLogs.date, range.from, range.to)))
            .groupBy(presenceLogs.memberId);
          for (const row of rows) found.set(`${id}/${row.memberId}`, { minutesLogged: Number(row.minutes), contacts: Number(row.contacts) });
        }),
      );
      return keys.map((key) => found.get(`${key.from}/${key.to}/${key.memberId}`) ?? { minutesLogged: 0, contacts: 0 });
    },
    { cache: false },
  );

  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}

  async insert(log: NewPresenceLog): Promise<PresenceLogRow> {
    const [row] = await this.database.db.insert(presenceLogs).values(log).returning();
    return row!;
  }

  memberTotals(memberId: string, from: string, to: string): Promise<PresenceTotals> {
    return this.totals.load({ memberId, from, to });
  }

  /** Per-member sums and request counts by category of the logs filed in a département over [from, to]. */
  async department(department: string, from: string, to: string, structureId: string | null): Promise<DepartmentPresence> {
    const inPeriod = and(
      eq(presenceLogs.department, department),
      between(presenceLogs.date, from, to),
      structureId ? eq(presenceLogs.structureId, structureId) : undefined,
    );
    const db = this.database.db;
    const [rows, requests] = await Promise.all([
      db
        .select({ memberId: presenceLogs.memberId, minutes: minutesSum, contacts: contactsSum })
        .from(presenceLogs)
        .where(inPeriod)
        .groupBy(presenceLogs.memberId)
        .orderBy(desc(minutesSum), presenceLogs.memberId),
      db
        .select({ category: sql<string>`r.value->>'category'`, count: sql<string>`sum((r.value->>'count')::int)` })
        .from(sql`${presenceLogs} cross join lateral jsonb_array_elements(${presenceLogs.requests}) r`)
        .where(inPeriod)
        .groupBy(sql`1`),
    ]);
    return {
      rows: rows.map((r) => ({ memberId: r.memberId, minutesLogged: Number(r.minutes), contacts: Number(r.contacts) })),
      requests: new Map(requests.map((r) => [r.category, Number(r.count)])),
    };
  }
}
