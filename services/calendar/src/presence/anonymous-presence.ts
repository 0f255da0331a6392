import { sql, type SQL } from 'drizzle-orm';
import { anonymousPresence, presenceLogs } from '../db/calendar.tables.js';

/** Anything that runs SQL: the database or a transaction. */
interface SqlExecutor {
  execute(query: SQL): Promise<unknown>;
}

export interface FoldOptions {
  /** At most this many logs (oldest ids first); all of them when absent. */
  limit?: number;
  /** Skip logs another transaction holds (a concurrent purge) instead of waiting for them. */
  skipLocked?: boolean;
}

/**
 * Deletes the presence logs matching `which` (a condition on `presence_logs`) and adds their figures
 * to the anonymous monthly totals of their département (`anonymous_presence`): what survives of a log
 * once it must go, whether because its member erased their account or because it is older than the
 * retention period. One statement, so the fold and the delete happen together or not at all; totals
 * are updated in (département, month) order, so two transactions folding at once never deadlock.
 * Returns how many logs went.
 */
export async function foldIntoAnonymousPresence(executor: SqlExecutor, which: SQL, options: FoldOptions = {}): Promise<number> {
  const limit = options.limit === undefined ? sql`` : sql`limit ${options.limit}`;
  const lock = options.skipLocked ? sql`for update skip locked` : sql`for update`;
  const result = (await executor.execute(sql`
    with doomed as (
      select id from ${presenceLogs} where ${which} order by id ${limit} ${lock}
    ), gone as (
      delete from ${presenceLogs} p using doomed where p.id = doomed.id
      returning p.department, date_trunc('month', p.date::timestamp)::date as month, p.minutes, p.contacts, p.requests
    ), categories as (
      select g.department, g.month, r.value->>'category' as category, sum((r.value->>'count')::int) as count
      from gone g cross join lateral jsonb_array_elements(g.requests) r
      group by 1, 2, 3
    ), folds as (
      select g.department, g.month, count(*)::int as entries, sum(g.minutes)::int as minutes, sum(g.contacts)::int as contacts,
             coalesce((
               select jsonb_agg(jsonb_build_object('category', c.category, 'count', c.count) order by c.category)
               from categories c where c.department = g.department and c.month = g.month
             ), '[]'::jsonb) as requests
      from gone g
      group by g.department, g.month
      order by g.department, g.month
    ), folded as (
      insert into ${anonymousPresence} as a (department, month, entries, minutes, contacts, requests)
      select department, month, entries, minutes, contacts, requests from folds order by department, month
      on conflict (department, month) do update set
        entries = a.entries + excluded.entries,
        minutes = a.minutes + excluded.minutes,
        contacts = a.contacts + excluded.contacts,
        requests = (
          select coalesce(jsonb_agg(jsonb_build_object('category', s.category, 'count', s.total) order by s.category), '[]'::jsonb)
          from (
            select r.value->>'category' as category, sum((r.value->>'count')::int) as total
            from jsonb_array_elements(a.requests || excluded.requests) r
            group by 1
          ) s
        )
      returning 1
    )
    select (select count(*) from gone)::int as deleted, (select count(*) from folded)::int as months`)) as {
    rows: { deleted: number }[];
  };
  return Number(result.rows[0]?.deleted ?? 0);
}
