import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { batchByDepartmentYear, departmentYearId, parisYear, type DepartmentYear } from '@pdn/subgraph';
import { CLOCK, MEMBERS_DATABASE, type Clock, type MembersDatabase } from '../common/tokens.js';
import { members, statusChanges, structures } from '../db/members.tables.js';

export interface DirectoryCounts {
  activePromeneurs: number;
  candidates: number;
}

/**
 * The keys asked for, as a `VALUES` list `k(department, year, cutoff)` to join the tables against.
 * `cutoff` is the end of the year (1 January after, Paris) for a year that is over, and null for the
 * current and next year: those are counted as they stand today.
 */
function keyValues(keys: DepartmentYear[], now: Date): SQL {
  const rows = keys.map((key) => {
    const end = parisYear(key.year).to;
    const cutoff = end.getTime() <= now.getTime() ? end.toISOString() : null;
    return sql`(${key.department}::text, ${key.year}::int, ${cutoff}::timestamptz)`;
  });
  return sql`(values ${sql.join(rows, sql`, `)}) as k(department, year, cutoff)`;
}

/**
 * A member `m`'s status at the cutoff, from the status history: the last change before it; when there is
 * none (a member created before the cutoff whose first recorded change came later), the status that
 * change started from; else the current status. Without a cutoff, the current status.
 */
const statusAtCutoff = sql`case when k.cutoff is null then m.status else coalesce(
  (select sc.to_status from ${statusChanges} sc where sc.member_id = m.id and sc.at < k.cutoff order by sc.at desc, sc.id desc limit 1),
  (select sc.from_status from ${statusChanges} sc where sc.member_id = m.id and sc.at >= k.cutoff order by sc.at, sc.id limit 1),
  m.status) end`;

const byKey = <T extends { department: string; year: number }, V>(rows: T[], value: (row: T) => V) =>
  new Map(rows.map((row) => [departmentYearId({ department: row.department, year: Number(row.year) }), value(row)]));

@Injectable()
export class DepartmentStatsRepository {
  /**
   * Promeneurs (role PROMENEUR, in the département today) whose status was ACTIVE, or CANDIDATE, at
   * the end of the year, or today for the current year: one statement for every key asked for.
   */
  readonly directoryCounts = batchByDepartmentYear<DirectoryCounts>(
    async (keys) => {
      const rows = await this.database.db
        .select({
          department: sql<string>`k.department`,
          year: sql<number>`k.year`,
          active: sql<string>`count(*) filter (where s.status = 'ACTIVE')`,
          candidates: sql<string>`count(*) filter (where s.status = 'CANDIDATE')`,
        })
        .from(
          sql`${keyValues(keys, this.clock.now())}
            join ${members} m on m.department = k.department and m.role = 'PROMENEUR' and (k.cutoff is null or m.created_at < k.cutoff)
            cross join lateral (select ${statusAtCutoff} as status) s`,
        )
        .groupBy(sql`k.department`, sql`k.year`);
      return byKey(rows, (r) => ({ activePromeneurs: Number(r.active), candidates: Number(r.candidates) }));
    },
    () => ({ activePromeneurs: 0, candidates: 0 }),
  );

  /** Structures of the département that existed at the end of the year (structures are never deleted). */
  readonly structureCounts = batchByDepartmentYear<number>(
    async (keys) => {
      const rows = await this.database.db
        .select({ department: sql<string>`k.department`, year: sql<number>`k.year`, n: sql<string>`count(*)` })
        .from(
          sql`${keyValues(keys, this.clock.now())}
            join ${structures} st on st.department = k.department and (k.cutoff is null or st.created_at < k.cutoff)`,
        )
        .groupBy(sql`k.department`, sql`k.year`);
      return byKey(rows, (r) => Number(r.n));
    },
    () => 0,
  );

  constructor(
    @Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
}
