import { Inject, Injectable } from '@nestjs/common';
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { batchById, searchOrKeyOrder, textMatch, textRank, toPrefixTsQuery } from '@pdn/database';
import type { CursorValue } from '@pdn/pagination';
import { structures, type StructureRow } from '../db/members.tables.js';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';

export interface StructureQuery {
  search?: string | null;
  departments?: string[] | null;
  kinds?: string[] | null;
  commune?: string | null;
}

export type NewStructure = typeof structures.$inferInsert;

const searchVector = sql`to_tsvector('simple', ${structures.searchText})`;

@Injectable()
export class StructuresRepository {
  /** Federation's `_entities` and `Member.structure` share this batch. */
  readonly findById = batchById((ids) => this.database.db.select().from(structures).where(inArray(structures.id, ids)));

  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  private where(query: StructureQuery): { condition: SQL | undefined; tsQuery: string | null } {
    const tsQuery = query.search ? toPrefixTsQuery(query.search) : null;
    const conditions: (SQL | undefined)[] = [
      query.departments?.length ? inArray(structures.department, query.departments) : undefined,
      query.kinds?.length ? inArray(structures.kind, query.kinds) : undefined,
      query.commune ? sql`lower(${structures.commune}) = lower(${query.commune})` : undefined,
      tsQuery ? textMatch(searchVector, tsQuery) : undefined,
    ];
    return { condition: and(...conditions), tsQuery };
  }

  /** A keyset page: by relevance when searching, else by name; `limit` rows after the cursor. */
  async page(query: StructureQuery, limit: number, after: CursorValue[] | null): Promise<{ rows: (StructureRow & { rank: number })[]; total: number }> {
    const { condition, tsQuery } = this.where(query);
    const rank = tsQuery ? textRank(searchVector, tsQuery) : null;
    const order = searchOrKeyOrder({ rank, sortKey: structures.searchText, id: structures.id, after });
    const db = this.database.db;
    const [rows, [{ total }]] = await Promise.all([
      db
        .select({ row: structures, rank: rank ?? sql<number>`0` })
        .from(structures)
        .where(and(condition, order.after))
        .orderBy(...order.orderBy)
        .limit(limit),
      db.select({ total: count() }).from(structures).where(condition) as Promise<{ total: number }[]>,
    ]);
    return { rows: rows.map((r) => ({ ...r.row, rank: Number(r.rank) })), total: Number(total) };
  }

  async insert(values: NewStructure): Promise<StructureRow> {
    const [row] = await this.database.db.insert(structures).values(values).returning();
    return row!;
  }

  async update(id: string, values: Partial<NewStructure>): Promise<StructureRow | null> {
    const [row] = await this.database.db
      .update(structures)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(structures.id, id))
      .returning();
    return row ?? null;
  }
}
