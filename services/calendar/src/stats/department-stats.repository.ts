import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { batchByDepartmentYear, departmentYearId, parisYear, type DepartmentYear } from '@pdn/subgraph';
import { CALENDAR_DATABASE, type CalendarDatabase } from '../common/tokens.js';
import { anonymousPresence, events, presenceLogs, registrations } from '../db/calendar.tables.js';
import { EventKind, EventStatus } from '../events/event.enums.js';

export interface EventFigures {
  eventsHeld: number;
  promeneursTrained: number;
  regroupementsAttended: number;
  regroupementsConfirmed: number;
}

export interface PresenceFigures {
  minutes: number;
  contacts: number;
  requests: Map<string, number>;
}

/** The events that train promeneurs ("formations"): initial trainings, trainings, workshops, webinars. */
export const TRAINING_KINDS: string[] = [EventKind.INITIAL_TRAINING, EventKind.TRAINING, EventKind.WORKSHOP, EventKind.WEBINAR];

/**
 * The keys asked for, as `k(department, year, starts, ends, first_day, last_day)`: the year in Paris as
 * instants [starts, ends) for events, and as days [first_day, last_day] for presence dates.
 */
function keyValues(keys: DepartmentYear[]): SQL {
  const rows = keys.map((key) => {
    const year = parisYear(key.year);
    return sql`(${key.department}::text, ${key.year}::int, ${year.from.toISOString()}::timestamptz, ${year.to.toISOString()}::timestamptz, ${year.firstDay}::date, ${year.lastDay}::date)`;
  });
  return sql`(values ${sql.join(rows, sql`, `)}) as k(department, year, starts, ends, first_day, last_day)`;
}

const list = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
/** Events `e` of the key's département whose start falls in the key's year. */
const ofTheYear = sql`e.department = k.department and e.starts_at >= k.starts and e.starts_at < k.ends`;
/** Over the confirmed registrations `r` to such events: attendance is recorded on those, and one cancelled since no longer counts. */
const overRegistrations = (kinds: string[], statuses: string[], figure: SQL) => sql`(
  select ${figure} from ${events} e join ${registrations} r on r.event_id = e.id
  where ${ofTheYear} and e.kind in (${list(kinds)}) and e.status in (${list(statuses)}) and r.status = 'CONFIRMED')`;

/**
 * Presence logs of members and the anonymous monthly totals left by erased members' logs, as one set
 * of rows per département and Paris day (a month's totals are dated on its first day).
 */
const presenceRows = sql`(
  select department, date, minutes, contacts, requests from ${presenceLogs}
  union all
  select department, month, minutes, contacts, requests from ${anonymousPresence}
) p`;
const presenceOfTheYear = sql`p.department = k.department and p.date between k.first_day and k.last_day`;

@Injectable()
export class DepartmentStatsRepository {
  /** Events held, people trained and regroupement attendance of every key asked for: one statement. */
  readonly eventFigures = batchByDepartmentYear<EventFigures>(
    async (keys) => {
      const rows = await this.database.db
        .select({
          department: sql<string>`k.department`,
          year: sql<number>`k.year`,
          held: sql<string>`(select count(*) from ${events} e where ${ofTheYear} and e.status = ${EventStatus.COMPLETED})`,
          // An erased member's registrations are detached (member_id null): each still counts as someone trained.
          trained: overRegistrations(TRAINING_KINDS, [EventStatus.PUBLISHED, EventStatus.COMPLETED], sql`count(distinct coalesce(r.member_id, r.id)) filter (where r.attended)`).mapWith(String),
          attended: overRegistrations([EventKind.REGROUPEMENT], [EventStatus.COMPLETED], sql`count(*) filter (where r.attended)`).mapWith(String),
          confirmed: overRegistrations([EventKind.REGROUPEMENT], [EventStatus.COMPLETED], sql`count(*)`).mapWith(String),
        })
        .from(keyValues(keys));
      return new Map(
        rows.map((r) => [
          departmentYearId({ department: r.department, year: Number(r.year) }),
          { eventsHeld: Number(r.held), promeneursTrained: Number(r.trained), regroupementsAttended: Number(r.attended), regroupementsConfirmed: Number(r.confirmed) },
        ]),
      );
    },
    () => ({ eventsHeld: 0, promeneursTrained: 0, regroupementsAttended: 0, regroupementsConfirmed: 0 }),
  );

  /** Minutes, contacts and requests by category logged in the département over the year: two statements for every key asked for. */
  readonly presenceFigures = batchByDepartmentYear<PresenceFigures>(
    async (keys) => {
      const db = this.database.db;
      const [totals, requests] = await Promise.all([
        db
          .select({
            department: sql<string>`k.department`,
            year: sql<number>`k.year`,
            minutes: sql<string>`sum(p.minutes)`,
            contacts: sql<string>`sum(p.contacts)`,
          })
          .from(sql`${keyValues(keys)} join ${presenceRows} on ${presenceOfTheYear}`)
          .groupBy(sql`k.department`, sql`k.year`),
        db
          .select({
            department: sql<string>`k.department`,
            year: sql<number>`k.year`,
            category: sql<string>`r.value->>'category'`,
            count: sql<string>`sum((r.value->>'count')::int)`,
          })
          .from(sql`${keyValues(keys)} join ${presenceRows} on ${presenceOfTheYear} cross join lateral jsonb_array_elements(p.requests) r`)
          .groupBy(sql`k.department`, sql`k.year`, sql`r.value->>'category'`),
      ]);
      const found = new Map<string, PresenceFigures>();
      const figuresOf = (row: { department: string; year: number }) => {
        const id = departmentYearId({ department: row.department, year: Number(row.year) });
        const figures = found.get(id) ?? { minutes: 0, contacts: 0, requests: new Map<string, number>() };
        found.set(id, figures);
        return figures;
      };
      for (const row of totals) Object.assign(figuresOf(row), { minutes: Number(row.minutes), contacts: Number(row.contacts) });
      for (const row of requests) figuresOf(row).requests.set(row.category, Number(row.count));
      return found;
    },
    () => ({ minutes: 0, contacts: 0, requests: new Map() }),
  );

  constructor(@Inject(CALENDAR_DATABASE) private readonly database: CalendarDatabase) {}
}
