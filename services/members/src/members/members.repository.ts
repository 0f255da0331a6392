import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, asc, count, desc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { toPrefixTsQuery } from '@pdn/database';
import { validate } from '@pdn/domain';
import type { CursorValue } from '@pdn/pagination';
import { members, statusChanges, structures, type MemberRow } from '../db/members.tables.js';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';

export interface MemberQuery {
  search?: string | null;
  departments?: string[] | null;
  themes?: string[] | null;
  networks?: string[] | null;
  structureId?: string | null;
  structureKinds?: string[] | null;
  statuses: string[];
  /**
   * Where statuses other than ACTIVE may be listed: the départements the caller coordinates, 'ALL'
   * for admins, none for everyone else. ACTIVE members are listed everywhere.
   */
  privilegedDepartments: string[] | 'ALL';
}

export type NewMember = typeof members.$inferInsert;
export type StatusChangeRow = typeof statusChanges.$inferSelect;
export type MemberPageRow = MemberRow & { rank: number };

const searchVector = sql`to_tsvector('simple', ${members.searchText} || ' ' || coalesce(${structures.searchText}, ''))`;

@Injectable()
export class MembersRepository {
  /** One `WHERE id = ANY(…)` per tick for every lookup by id (federation references included). */
  private readonly byId = new DataLoader<string, MemberRow | null>(
    async (ids) => {
      const rows = await this.database.db.select().from(members).where(inArray(members.id, [...ids]));
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id) ?? null);
    },
    { cache: false },
  );

  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  findById(id: string): Promise<MemberRow | null> {
    return validate.isUuid(id) ? this.byId.load(id) : Promise.resolve(null);
  }

  async findByEmail(email: string): Promise<MemberRow | null> {
    const [row] = await this.database.db.select().from(members).where(sql`lower(${members.email}) = lower(${email})`);
    return row ?? null;
  }

  async page(query: MemberQuery, limit: number, after: CursorValue[] | null): Promise<{ rows: MemberPageRow[]; total: number }> {
    const tsQuery = query.search ? toPrefixTsQuery(query.search) : null;
    const privileged =
      query.privilegedDepartments === 'ALL'
        ? sql`true`
        : query.privilegedDepartments.length
          ? inArray(members.department, query.privilegedDepartments)
          : sql`false`;
    const condition = and(
      inArray(members.status, query.statuses),
      or(eq(members.status, 'ACTIVE'), privileged),
      query.departments?.length ? inArray(members.department, query.departments) : undefined,
      query.themes?.length ? sql`${members.themes} && ${sql.param(query.themes)}::text[]` : undefined,
      query.networks?.length
        ? sql`exists (select 1 from jsonb_array_elements(${members.channels}) c where c->>'network' = any(${sql.param(query.networks)}::text[]))`
        : undefined,
      query.structureId ? eq(members.structureId, query.structureId) : undefined,
      query.structureKinds?.length ? inArray(structures.kind, query.structureKinds) : undefined,
      tsQuery ? sql`${searchVector} @@ to_tsquery('simple', ${tsQuery})` : undefined,
    );
    const rank = tsQuery ? sql<number>`ts_rank(${searchVector}, to_tsquery('simple', ${tsQuery}))::real` : sql<number>`0::real`;
    let keyset: SQL | undefined;
    if (after && tsQuery) {
      const [afterRank, afterId] = after as [number, string];
      keyset = sql`(${rank} < ${afterRank}::real or (${rank} = ${afterRank}::real and ${members.id} > ${afterId}))`;
    } else if (after) {
      const [afterKey, afterId] = after as [string, string];
      keyset = or(gt(members.sortKey, afterKey), and(eq(members.sortKey, afterKey), gt(members.id, afterId)));
    }
    const db = this.database.db;
    const [rows, totals] = await Promise.all([
      db
        .select({ row: members, rank })
        .from(members)
        .leftJoin(structures, eq(structures.id, members.structureId))
        .where(and(condition, keyset))
        .orderBy(...(tsQuery ? [desc(rank), asc(members.id)] : [asc(members.sortKey), asc(members.id)]))
        .limit(limit),
      db.select({ total: count() }).from(members).leftJoin(structures, eq(structures.id, members.structureId)).where(condition),
    ]);
    return { rows: rows.map((r) => ({ ...r.row, rank: Number(r.rank) })), total: Number(totals[0]?.total ?? 0) };
  }

  async update(id: string, values: Partial<NewMember>): Promise<MemberRow | null> {
    const [row] = await this.database.db
      .update(members)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(members.id, id))
      .returning();
    return row ?? null;
  }

  /**
   * Changes the status only if it is still `from` (a concurrent change wins, this one reports null),
   * and records the change in the same transaction.
   */
  async changeStatus(change: { memberId: string; from: string; to: string; reason: string; byMemberId: string | null; at: Date }): Promise<MemberRow | null> {
    return this.database.db.transaction(async (tx) => {
      const [row] = await tx
        .update(members)
        .set({ status: change.to, updatedAt: change.at })
        .where(and(eq(members.id, change.memberId), eq(members.status, change.from)))
        .returning();
      if (!row) return null;
      await tx.insert(statusChanges).values({
        memberId: change.memberId,
        fromStatus: change.from,
        toStatus: change.to,
        reason: change.reason,
        byMemberId: change.byMemberId,
        at: change.at,
      });
      return row;
    });
  }

  statusHistory(memberId: string): Promise<StatusChangeRow[]> {
    return this.database.db.select().from(statusChanges).where(eq(statusChanges.memberId, memberId)).orderBy(asc(statusChanges.at), asc(statusChanges.id));
  }
}
