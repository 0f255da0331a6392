import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { batchByDepartmentYear, departmentYearId, parisYear, type DepartmentYear } from '@pdn/subgraph';
import { FEED_DATABASE, type FeedDatabase } from '../common/tokens.js';
import { alertAcknowledgements, alerts, posts } from '../db/feed.tables.js';
import { PostStatus } from '../posts/post.enums.js';

export interface PostFigures {
  postsPublished: number;
  republications: number;
}

export interface AlertFigures {
  alertsRaised: number;
  acknowledgements: number;
}

/** The keys asked for, as `k(department, year, starts, ends)`: the year in Paris, [starts, ends). */
function keyValues(keys: DepartmentYear[]): SQL {
  const rows = keys.map((key) => {
    const year = parisYear(key.year);
    return sql`(${key.department}::text, ${key.year}::int, ${year.from.toISOString()}::timestamptz, ${year.to.toISOString()}::timestamptz)`;
  });
  return sql`(values ${sql.join(rows, sql`, `)}) as k(department, year, starts, ends)`;
}

/** Alerts `a` raised in the year for the key's département (among others, maybe). */
const alertsOfTheYear = sql`a.departments @> array[k.department] and a.raised_at >= k.starts and a.raised_at < k.ends`;

const idOf = (row: { department: string; year: number }) => departmentYearId({ department: row.department, year: Number(row.year) });

@Injectable()
export class DepartmentStatsRepository {
  /**
   * Posts published from the département (the author's home département) in the year, originals and
   * republications apart; posts hidden by moderation are not counted. One statement for every key.
   */
  readonly postFigures = batchByDepartmentYear<PostFigures>(
    async (keys) => {
      const rows = await this.database.db
        .select({ department: sql<string>`k.department`, year: sql<number>`k.year`, published: sql<string>`c.published`, republications: sql<string>`c.republications` })
        .from(
          sql`${keyValues(keys)} cross join lateral (
            select count(*) filter (where p.republished_from_id is null) as published, count(*) filter (where p.republished_from_id is not null) as republications
            from ${posts} p
            where p.department = k.department and p.published_at >= k.starts and p.published_at < k.ends and p.status = ${PostStatus.PUBLISHED}
          ) c`,
        );
      return new Map(rows.map((r) => [idOf(r), { postsPublished: Number(r.published), republications: Number(r.republications) }]));
    },
    () => ({ postsPublished: 0, republications: 0 }),
  );

  /**
   * Alerts raised in the year that cover the département, and their acknowledgements: rows, not
   * distinct members, so an erased member's acknowledgement (kept without its member) still counts.
   * One statement for every key.
   */
  readonly alertFigures = batchByDepartmentYear<AlertFigures>(
    async (keys) => {
      const rows = await this.database.db
        .select({
          department: sql<string>`k.department`,
          year: sql<number>`k.year`,
          raised: sql<string>`(select count(*) from ${alerts} a where ${alertsOfTheYear})`,
          acknowledgements: sql<string>`(select count(*) from ${alerts} a join ${alertAcknowledgements} ack on ack.alert_id = a.id where ${alertsOfTheYear})`,
        })
        .from(keyValues(keys));
      return new Map(rows.map((r) => [idOf(r), { alertsRaised: Number(r.raised), acknowledgements: Number(r.acknowledgements) }]));
    },
    () => ({ alertsRaised: 0, acknowledgements: 0 }),
  );

  constructor(@Inject(FEED_DATABASE) private readonly database: FeedDatabase) {}
}
