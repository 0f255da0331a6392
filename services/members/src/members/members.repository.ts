import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import { batchById, searchOrKeyOrder, textMatch, textRank, toPrefixTsQuery } from '@pdn/database';
import type { CursorValue } from '@pdn/pagination';
import { members, statusChanges, structures, type MemberRow } from '../db/members.tables.js';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import { recordAccessChange } from '../auth/session-events.js';

export interface MemberQuery {
  search?: string | null;
  departments?: string[] | null;
  themes?: string[] | null;
  networks?: string[] | null;
  structureId?: string | null;
  structureKinds?: string[] | null;
  statuses: string[];
  /** Null: any role. The public directory lists promeneurs only. */
  roles?: string[] | null;
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
  /** Federation's `_entities`, `StatusChange.by` and the sign-in share this batch. */
  readonly findById = batchById((ids) => this.database.db.select().from(members).where(inArray(members.id, ids)));

  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

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
      query.roles ? inArray(members.role, query.roles) : undefined,
      or(eq(members.status, 'ACTIVE'), privileged),
      query.departments?.length ? inArray(members.department, query.departments) : undefined,
      query.themes?.length ? sql`${members.themes} && ${sql.param(query.themes)}::text[]` : undefined,
      query.networks?.length
        ? sql`exists (select 1 from jsonb_array_elements(${members.channels}) c where c->>'network' = any(${sql.param(query.networks)}::text[]))`
        : undefined,
      query.structureId ? eq(members.structureId, query.structureId) : undefined,
      query.structureKinds?.length ? inArray(structures.kind, query.structureKinds) : undefined,
      tsQuery ? textMatch(searchVector, tsQuery) : undefined,
    );
    const rank = tsQuery ? textRank(searchVector, tsQuery) : null;
    const order = searchOrKeyOrder({ rank, sortKey: members.sortKey, id: members.id, after });
    const db = this.database.db;
    const [rows, totals] = await Promise.all([
      db
        .select({ row: members, rank: rank ?? sql<number>`0` })
        .from(members)
        .leftJoin(structures, eq(structures.id, members.structureId))
        .where(and(condition, order.after))
        .orderBy(...order.orderBy)
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
   * and records the change in the same transaction, with `member.access-changed` for the gateways
   * (the member's access tokens carry the old status).
   */
  async changeStatus(change: {
    memberId: string;
    from: string;
    to: string;
    reason: string;
    byMemberId: string | null;
    at: Date;
    accessTokenTtlSeconds: number;
  }): Promise<MemberRow | null> {
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
      await recordAccessChange(tx, row, change.at, change.accessTokenTtlSeconds);
      return row;
    });
  }

  statusHistory(memberId: string): Promise<StatusChangeRow[]> {
    return this.database.db.select().from(statusChanges).where(eq(statusChanges.memberId, memberId)).orderBy(asc(statusChanges.at), asc(statusChanges.id));
  }
}
